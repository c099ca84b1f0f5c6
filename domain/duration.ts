const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;

/** A duration such as `90s`, `30m`, `2h`, `14d` or `2w`, in milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[match[2]] ?? 0);
  return ms > 0 ? ms : undefined;
}

/** The inverse of `parseDuration`: the largest unit that divides `ms` exactly (86 400 000 → `1d`). */
export function formatDuration(ms: number): string {
  const units = Object.entries(UNIT_MS).sort((a, b) => b[1] - a[1]);
  const [unit, size] = units.find(([, size]) => ms > 0 && ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}
