/**
 * The median gap between times given in ascending order (their unit), 0 with fewer than two: a
 * series' usual spacing, which a missing point or a hole does not move.
 */
export function medianGap(ascendingTimes: readonly number[]): number {
  const gaps = ascendingTimes
    .slice(1)
    .map((t, i) => t - (ascendingTimes[i] ?? t))
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 0;
}
