import { parseTimestampMs } from '../domain/anomaly/csv';
import { pointsPerDayFrom, SAMPLING_INTERVALS, StreamingDetector } from '../domain/anomaly/detector';

/** Epoch ms of the rows the sampling is judged from, when they parse; other formats just skip the daily view. */
function timestampsOf(points: { timestamp: string }[]): number[] {
  try {
    return points.slice(0, SAMPLING_INTERVALS + 1).map((p) => parseTimestampMs(p.timestamp));
  } catch {
    return [];
  }
}

const HEADER = 'timestamp,value,anomaly_score,is_anomaly';

/** Scores points in order into the output CSV, and the timestamps of the anomalies. */
export function scoreRows(points: { timestamp: string; value: number }[]): {
  csv: string;
  anomalies: string[];
} {
  const detector = new StreamingDetector(undefined, { pointsPerDay: pointsPerDayFrom(timestampsOf(points)) });
  const lines = [HEADER];
  const anomalies: string[] = [];
  for (const p of points) {
    // A missing datapoint still takes its place in the series (the detector carries the last value,
    // so the daily and weekly views stay aligned) but is never itself an anomaly.
    const r = detector.update(p.value);
    if (r.isAnomaly) anomalies.push(p.timestamp);
    lines.push(
      Number.isNaN(p.value)
        ? `${p.timestamp},,0.000000,0`
        : `${p.timestamp},${p.value},${r.score.toFixed(6)},${r.isAnomaly ? 1 : 0}`,
    );
  }
  return { csv: `${lines.join('\n')}\n`, anomalies };
}

/** "1 point, 2 anomalies": what a scored series holds, for the command's one-line summary. */
export const tally = (points: number, anomalies: number): string =>
  `${points} point${points === 1 ? '' : 's'}, ${anomalies} anomal${anomalies === 1 ? 'y' : 'ies'}`;
