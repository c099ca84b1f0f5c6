import { pointsPerDayFrom } from './detector';
import type { TrainingSeries } from './labelled-series';

/** Shortest and longest stretch an export loses at once, in hours: a collector restart to a night. */
const GAP_HOURS = { shortest: 1, longest: 8 } as const;

/**
 * The series as an export with gaps would have it: stretches of 1 to 8 hours of rows left out at
 * random places until `share` of the rows are gone. The labelled windows stay (they are times), so a
 * detector is judged on the same anomalies with less data around them.
 */
export function withGaps(series: TrainingSeries, share: number, random: () => number): TrainingSeries {
  const n = series.values.length;
  const pointsPerHour = (series.pointsPerDay ?? 288) / 24;
  const gone = new Uint8Array(n);
  let removed = 0;
  while (removed < share * n) {
    const hours = GAP_HOURS.shortest + (GAP_HOURS.longest - GAP_HOURS.shortest) * random();
    const start = Math.floor(random() * n);
    const end = Math.min(n, start + Math.max(1, Math.round(hours * pointsPerHour)));
    for (let i = start; i < end; i++) {
      removed += 1 - (gone[i] ?? 1);
      gone[i] = 1;
    }
  }
  const kept = series.values.flatMap((_, i) => (gone[i] ? [] : [i]));
  const timestamps = kept.map((i) => series.timestamps[i] ?? 0);
  const pointsPerDay = pointsPerDayFrom(timestamps);
  return {
    name: series.name,
    values: kept.map((i) => series.values[i] ?? 0),
    timestamps,
    windows: series.windows,
    ...(pointsPerDay ? { pointsPerDay } : {}),
  };
}
