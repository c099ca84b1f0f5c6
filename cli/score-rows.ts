import { parseTimestampMs } from '../domain/anomaly/csv';
import { pointsPerDayFrom, SAMPLING_INTERVALS, StreamingDetector } from '../domain/anomaly/detector';

/** Epoch ms of a row's timestamp; undefined for a format the reader does not know (no seasons then). */
function timeOf(timestamp: string): number | undefined {
  try {
    return parseTimestampMs(timestamp);
  } catch {
    return undefined;
  }
}

const HEADER = 'timestamp,value,anomaly_score,is_anomaly';

/** Scores points in order into the output CSV, and the timestamps of the anomalies. */
export function scoreRows(points: { timestamp: string; value: number }[]): {
  csv: string;
  anomalies: string[];
} {
  const times = points.map((p) => timeOf(p.timestamp));
  const sampling = times.slice(0, SAMPLING_INTERVALS + 1);
  const pointsPerDay = sampling.every((t) => t !== undefined) ? pointsPerDayFrom(sampling) : undefined;
  const detector = new StreamingDetector(undefined, { pointsPerDay });
  const lines = [HEADER];
  const anomalies: string[] = [];
  points.forEach((p, i) => {
    // A missing datapoint, written as an empty value or left out of the export, is time that passes
    // (the daily and weekly views stay aligned); it is never itself an anomaly.
    const r = detector.updateAt(p.value, times[i]);
    if (r.isAnomaly) anomalies.push(p.timestamp);
    lines.push(
      Number.isNaN(p.value)
        ? `${p.timestamp},,0.000000,0`
        : `${p.timestamp},${p.value},${r.score.toFixed(6)},${r.isAnomaly ? 1 : 0}`,
    );
  });
  return { csv: `${lines.join('\n')}\n`, anomalies };
}

/** "1 point, 2 anomalies": what a scored series holds, for the command's one-line summary. */
export const tally = (points: number, anomalies: number): string =>
  `${points} point${points === 1 ? '' : 's'}, ${anomalies} anomal${anomalies === 1 ? 'y' : 'ies'}`;
