/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The arithmetic mean; NaN for none, so a caller that may pass none decides what that means. */
export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
