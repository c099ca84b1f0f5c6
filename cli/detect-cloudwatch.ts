import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createAwsClients } from '../activities/aws-clients';
import {
  EC2_METRICS,
  namespaceOf,
  readMetricSeries,
  statOf,
  type Ec2Metric,
  type MetricQuery,
} from '../activities/metrics';
import type { MedicConfig } from '../domain/config';
import { durationFlag, instanceIdFlag, intFlag, requireFlag, UsageError } from './args';
import { scoreRows, tally } from './score-rows';

/** `medic detect`'s flags for reading a metric from CloudWatch instead of a CSV file. */
export const CLOUDWATCH_FLAGS = {
  metric: { type: 'string' },
  namespace: { type: 'string' },
  dimension: { type: 'string', multiple: true },
  instance: { type: 'string' },
  stat: { type: 'string' },
  since: { type: 'string' },
  period: { type: 'string' },
} as const;

type CloudWatchFlags = {
  [K in keyof typeof CLOUDWATCH_FLAGS]?: (typeof CLOUDWATCH_FLAGS)[K] extends { multiple: true }
    ? string[]
    : string;
};

const isEc2Metric = (name: string): name is Ec2Metric => (EC2_METRICS as readonly string[]).includes(name);
const STATISTIC = /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/;

/**
 * The metric the flags name. `--instance` adds the InstanceId dimension, and for the fleet's own
 * metrics (CPUUtilization, NetworkIn, LatencyP99, …) also gives the namespace and the statistic;
 * any other metric needs `--namespace`.
 */
export function metricQueryFrom(flags: CloudWatchFlags): MetricQuery {
  const metric = requireFlag(flags.metric, 'metric');
  const own = isEc2Metric(metric) && flags.instance !== undefined ? metric : undefined;
  const namespace = flags.namespace ?? (own ? namespaceOf(own) : undefined);
  if (namespace === undefined)
    throw new UsageError(
      `--namespace is required for ${metric} (the fleet's own metrics need only --instance: ${EC2_METRICS.join(', ')})`,
    );
  const dimensions = (flags.dimension ?? []).map((text) => {
    const match = /^([^=]+)=(.+)$/.exec(text);
    if (!match?.[1] || !match[2]) throw new UsageError(`--dimension must be Name=Value, got "${text}"`);
    return { name: match[1], value: match[2] };
  });
  if (flags.instance !== undefined)
    dimensions.push({ name: 'InstanceId', value: instanceIdFlag(flags.instance) });
  const stat = flags.stat ?? (own ? statOf(own) : 'Average');
  if (!STATISTIC.test(stat))
    throw new UsageError(
      `--stat must be Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99, got "${stat}"`,
    );
  return { namespace, metric, dimensions, stat };
}

/**
 * Scores a metric's history straight from CloudWatch (the emulator locally) into the same CSV, so
 * any metric the fleet or its services publish can be judged without exporting it first.
 */
export async function detectCloudWatch(
  cloudwatch: CloudWatchClient,
  query: MetricQuery,
  range: { since: Date; until: Date; periodSeconds: number },
  output: string,
): Promise<{ points: number; anomalies: string[]; missing: number }> {
  const points = (
    await readMetricSeries(cloudwatch, query, range.since, range.until, range.periodSeconds)
  ).map((p) => ({ timestamp: p.at, value: p.value }));
  const scored = scoreRows(points);
  mkdirSync(dirname(resolve(output)), { recursive: true });
  writeFileSync(output, scored.csv);
  return { points: points.length, anomalies: scored.anomalies, missing: scored.missing };
}

export async function detectCloudWatchCommand(
  flags: CloudWatchFlags,
  output: string,
  config: MedicConfig,
): Promise<void> {
  const query = metricQueryFrom(flags);
  const sinceMs = durationFlag(flags.since ?? '14d', 'since', { example: '14d' });
  const periodSeconds = intFlag(flags.period, 'period', 300, 60, 86_400);
  if (periodSeconds % 60 !== 0)
    throw new UsageError(`--period must be a multiple of 60 seconds, got "${flags.period}"`);
  const cloudwatch = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint }).cloudwatch;
  const until = new Date();
  const range = { since: new Date(until.getTime() - sinceMs), until, periodSeconds };
  const { points, anomalies, missing } = await detectCloudWatch(cloudwatch, query, range, output).finally(
    () => cloudwatch.destroy(),
  );
  const where = query.dimensions.map((d) => `${d.name}=${d.value}`).join(',');
  const shown = anomalies.slice(0, 10).join(', ') + (anomalies.length > 10 ? ', …' : '');
  console.log(
    `${query.namespace} ${query.metric}${where ? ` {${where}}` : ''} (${query.stat}, ${periodSeconds} s): ` +
      `${tally(points, anomalies.length, missing)}${shown ? ` at ${shown}` : ''}; scores in ${output}`,
  );
}
