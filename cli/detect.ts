import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parsePointsCsv } from '../domain/anomaly/csv';
import type { MedicConfig } from '../domain/config';
import { parseFlags, requireFlag, UsageError } from './args';
import { CLOUDWATCH_FLAGS, detectCloudWatchCommand } from './detect-cloudwatch';
import { scoreRows, tally } from './score-rows';

/** Scores one `timestamp,value` file into `timestamp,value,anomaly_score,is_anomaly`. */
export function detectFile(
  input: string,
  output: string,
): { points: number; anomalies: number; missing: number } {
  const points = parsePointsCsv(readFileSync(input, 'utf8'), input, { allowMissing: true });
  const scored = scoreRows(points);
  writeFileSync(output, scored.csv);
  return { points: points.length, anomalies: scored.anomalies.length, missing: scored.missing };
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
): { file: string; points: number; anomalies: number; missing: number }[] {
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

/** `medic detect` on a CSV file or folder, or on a metric's history read from CloudWatch. */
export async function detectCommand(args: string[], config: MedicConfig): Promise<void> {
  const flags = parseFlags(args, {
    input: { type: 'string' },
    output: { type: 'string' },
    ...CLOUDWATCH_FLAGS,
  });
  const output = requireFlag(flags.output, 'output');
  if (flags.metric === undefined) {
    for (const r of detectPath(requireFlag(flags.input, 'input'), output))
      console.log(`${r.file}: ${tally(r.points, r.anomalies, r.missing)}`);
    return;
  }
  if (flags.input !== undefined)
    throw new UsageError('give --input (a CSV) or --metric (CloudWatch), not both');
  await detectCloudWatchCommand(flags, output, config);
}
