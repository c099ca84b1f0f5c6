import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parsePointsCsv, parseTimestampMs } from '../domain/anomaly/csv';
import { pointsPerDayFrom, SAMPLING_INTERVALS, StreamingDetector } from '../domain/anomaly/detector';
import { UsageError } from './args';

/** Epoch ms of the rows the sampling is judged from, when they parse; other formats just skip the daily view. */
function timestampsOf(points: { timestamp: string }[]): number[] {
  try {
    return points.slice(0, SAMPLING_INTERVALS + 1).map((p) => parseTimestampMs(p.timestamp));
  } catch {
    return [];
  }
}

/** Scores one `timestamp,value` file into `timestamp,value,anomaly_score,is_anomaly`. */
export function detectFile(input: string, output: string): { points: number; anomalies: number } {
  const points = parsePointsCsv(readFileSync(input, 'utf8'), input, { allowMissing: true });
  const detector = new StreamingDetector(undefined, { pointsPerDay: pointsPerDayFrom(timestampsOf(points)) });
  const lines = ['timestamp,value,anomaly_score,is_anomaly'];
  let anomalies = 0;
  for (const p of points) {
    // A missing datapoint still takes its place in the series (the detector carries the last value,
    // so the daily and weekly views stay aligned) but is never itself an anomaly.
    const r = detector.update(p.value);
    const missing = Number.isNaN(p.value);
    if (r.isAnomaly) anomalies++;
    lines.push(
      missing
        ? `${p.timestamp},,0.000000,0`
        : `${p.timestamp},${p.value},${r.score.toFixed(6)},${r.isAnomaly ? 1 : 0}`,
    );
  }
  writeFileSync(output, `${lines.join('\n')}\n`);
  return { points: points.length, anomalies };
}

/** A file to a file, or every .csv of a folder into another folder. */
export function detectPath(
  input: string,
  output: string,
): { file: string; points: number; anomalies: number }[] {
  let stat;
  try {
    stat = statSync(input);
  } catch {
    throw new UsageError(`--input ${input} does not exist`);
  }
  if (!stat.isDirectory()) return [{ file: input, ...detectFile(input, output) }];
  mkdirSync(output, { recursive: true });
  return readdirSync(input)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => ({ file: f, ...detectFile(join(input, f), join(output, basename(f))) }));
}
