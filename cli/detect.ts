import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/** The .csv files under a folder, as paths relative to it, in name order; the output folder is left out. */
function csvFilesUnder(root: string, skip: string, relative = ''): string[] {
  return readdirSync(join(root, relative), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(relative, entry.name);
      if (entry.isDirectory()) return resolve(root, path) === skip ? [] : csvFilesUnder(root, skip, path);
      return entry.name.endsWith('.csv') ? [path] : [];
    });
}

/** A file to a file, or every .csv under a folder (NAB's corpus sub-folders too) into the same tree under another folder. */
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
  return csvFilesUnder(input, resolve(output)).map((file) => {
    mkdirSync(dirname(join(output, file)), { recursive: true });
    return { file, ...detectFile(join(input, file), join(output, file)) };
  });
}
