import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parsePointsCsv, parseTimestampMs } from '../domain/anomaly/csv';
import { pointsPerDayFrom, SAMPLING_INTERVALS, StreamingDetector } from '../domain/anomaly/detector';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createAwsClients } from '../activities/aws-clients';
import { EC2_METRICS, namespaceOf, readEc2Metrics, type Ec2Metric } from '../activities/metrics';
import type { MedicConfig } from '../domain/config';
import { parseDuration } from '../domain/duration';
import { instanceIdFlag, intFlag, parseFlags, requireFlag, UsageError } from './args';

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
function scoreRows(points: { timestamp: string; value: number }[]): { csv: string; anomalies: string[] } {
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

/** Scores one `timestamp,value` file into `timestamp,value,anomaly_score,is_anomaly`. */
export function detectFile(input: string, output: string): { points: number; anomalies: number } {
  const points = parsePointsCsv(readFileSync(input, 'utf8'), input, { allowMissing: true });
  const scored = scoreRows(points);
  writeFileSync(output, scored.csv);
  return { points: points.length, anomalies: scored.anomalies.length };
}

const isEc2Metric = (name: string): name is Ec2Metric => (EC2_METRICS as readonly string[]).includes(name);

export interface CloudWatchSeries {
  instanceId: string;
  metric: Ec2Metric;
  since: Date;
  until: Date;
  periodSeconds: number;
}

/**
 * Scores an instance's metric history straight from CloudWatch (the emulator locally) into the same
 * CSV, so any metric the fleet publishes can be judged without exporting it first.
 */
export async function detectCloudWatch(
  cloudwatch: CloudWatchClient,
  series: CloudWatchSeries,
  output: string,
): Promise<{ points: number; anomalies: string[] }> {
  const read = await readEc2Metrics(
    cloudwatch,
    [{ instanceId: series.instanceId, metric: series.metric }],
    series.since,
    series.until,
    series.periodSeconds,
  );
  const points = (read.get(`${series.instanceId}/${series.metric}`) ?? [])
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((p) => ({ timestamp: p.at, value: p.value }));
  const scored = scoreRows(points);
  mkdirSync(dirname(resolve(output)), { recursive: true });
  writeFileSync(output, scored.csv);
  return { points: points.length, anomalies: scored.anomalies };
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

/** `medic detect` on a CSV file or folder, or on an instance's metric history read from CloudWatch. */
export async function detectCommand(args: string[], config: MedicConfig): Promise<void> {
  const flags = parseFlags(args, {
    input: { type: 'string' },
    output: { type: 'string' },
    instance: { type: 'string' },
    metric: { type: 'string' },
    since: { type: 'string' },
    period: { type: 'string' },
  });
  const output = requireFlag(flags.output, 'output');
  if (flags.instance === undefined) {
    for (const r of detectPath(requireFlag(flags.input, 'input'), output))
      console.log(`${r.file}: ${r.points} points, ${r.anomalies} anomal${r.anomalies === 1 ? 'y' : 'ies'}`);
    return;
  }
  if (flags.input !== undefined)
    throw new UsageError('give --input (a CSV) or --instance (CloudWatch), not both');
  const instanceId = instanceIdFlag(flags.instance);
  const metric = requireFlag(flags.metric, 'metric');
  if (!isEc2Metric(metric))
    throw new UsageError(`--metric must be one of ${EC2_METRICS.join(', ')}, got "${metric}"`);
  const sinceMs = parseDuration(flags.since ?? '14d');
  if (sinceMs === undefined)
    throw new UsageError(`--since must be a duration like 14d or 36h, got "${flags.since}"`);
  const periodSeconds = intFlag(flags.period, 'period', 300, 60, 86_400);
  if (periodSeconds % 60 !== 0)
    throw new UsageError(`--period must be a multiple of 60 seconds, got "${flags.period}"`);
  const cloudwatch = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint }).cloudwatch;
  const until = new Date();
  const result = await detectCloudWatch(
    cloudwatch,
    {
      instanceId,
      metric,
      since: new Date(until.getTime() - sinceMs),
      until,
      periodSeconds,
    },
    output,
  ).finally(() => cloudwatch.destroy());
  const { anomalies } = result;
  const shown = anomalies.slice(0, 10).join(', ') + (anomalies.length > 10 ? ', …' : '');
  console.log(
    `${instanceId}/${metric} (${namespaceOf(metric)}, ${periodSeconds} s): ${result.points} points, ` +
      `${anomalies.length} anomal${anomalies.length === 1 ? 'y' : 'ies'}${shown ? ` at ${shown}` : ''}; scores in ${output}`,
  );
}
