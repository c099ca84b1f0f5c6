import { parseTimestampMs } from '../domain/anomaly/csv';
import {
  DEFAULT_DETECTOR_PARAMS,
  pointsPerDayFrom,
  SAMPLING_INTERVALS,
  StreamingDetector,
} from '../domain/anomaly/detector';

/** Epoch ms of a row's timestamp; undefined for a format the reader does not know (no seasons then). */
function timeOf(timestamp: string): number | undefined {
  try {
    return parseTimestampMs(timestamp);
  } catch {
    return undefined;
  }
}

const HEADER = 'timestamp,value,anomaly_score,is_anomaly';

/**
 * Scores points in time order into the output CSV (rows stay in the file's order), and the
 * timestamps of the anomalies in time order, and how many points the series misses (empty values,
 * and rows left out where the sampling is known). Exports are not always sorted (`aws cloudwatch
 * get-metric-statistics` is not); a file whose timestamps do not all parse is scored as written.
 */
export function scoreRows(points: { timestamp: string; value: number }[]): {
  csv: string;
  anomalies: string[];
  missing: number;
} {
  const times = points.map((p) => timeOf(p.timestamp));
  const timed = times.every((t) => t !== undefined);
  const order = points.map((_, i) => i);
  if (timed) order.sort((a, b) => (times[a] ?? 0) - (times[b] ?? 0));
  const sampling = order.slice(0, SAMPLING_INTERVALS + 1).map((i) => times[i] ?? 0);
  const pointsPerDay = timed ? pointsPerDayFrom(sampling) : undefined;
  const detector = new StreamingDetector(undefined, { pointsPerDay });
  const rows = new Array<string>(points.length);
  const anomalies: string[] = [];
  for (const i of order) {
    const p = points[i];
    if (!p) continue;
    // A missing datapoint, written as an empty value or left out of the export, is time that passes
    // (the daily and weekly views stay aligned); it is never itself an anomaly.
    const r = detector.updateAt(p.value, times[i]);
    if (r.isAnomaly) anomalies.push(p.timestamp);
    rows[i] = Number.isNaN(p.value)
      ? `${p.timestamp},,0.000000,0`
      : `${p.timestamp},${p.value},${r.score.toFixed(6)},${r.isAnomaly ? 1 : 0}`;
  }
  return { csv: `${[HEADER, ...rows].join('\n')}\n`, anomalies, missing: detector.missed };
}

/**
 * "1 point (3 missing), 2 anomalies": what a scored series holds, for the command's one-line summary.
 * A series no longer than the detector's warm-up says so: its "0 anomalies" means nothing was judged,
 * not that nothing was unusual (a 32-minute CPU read with a spike in it).
 */
export const tally = (points: number, anomalies: number, missing = 0): string =>
  `${points} point${points === 1 ? '' : 's'}${missing ? ` (${missing} missing)` : ''}, ${anomalies} anomal${anomalies === 1 ? 'y' : 'ies'}` +
  (points - missing <= DEFAULT_DETECTOR_PARAMS.warmup
    ? ` (the detector learns its first ${DEFAULT_DETECTOR_PARAMS.warmup} points before it judges: nothing here was judged)`
    : '');
