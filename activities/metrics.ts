import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { MetricPoint } from '../domain/detection';
import { medianGap } from '../domain/sampling';
import type { MonitoredMetric } from '../domain/monitor-view';

export const EC2_METRICS = [
  'StatusCheckFailed',
  'CPUUtilization',
  'NetworkIn',
  'NetworkOut',
  'LatencyP99',
  'RequestCount',
  'disk_used_percent',
  'mem_used_percent',
  'swap_used_percent',
  'ErrorRate',
] as const;
export type Ec2Metric = (typeof EC2_METRICS)[number];

/**
 * EC2's own metrics, the application's p99 latency and requests served as its agent publishes them per instance, and the
 * root disk's, memory's and swap's usage as the CloudWatch agent publishes them, and the share of the
 * application's requests failing (`ErrorRate`, percent) beside its latency.
 */
const NAMESPACE: Partial<Record<Ec2Metric, string>> = {
  LatencyP99: 'CloudMedic/App',
  RequestCount: 'CloudMedic/App',
  ErrorRate: 'CloudMedic/App',
  disk_used_percent: 'CWAgent',
  mem_used_percent: 'CWAgent',
  swap_used_percent: 'CWAgent',
};

/** The CloudWatch namespace a metric is published in. */
export function namespaceOf(metric: Ec2Metric): string {
  return NAMESPACE[metric] ?? 'AWS/EC2';
}

export interface MetricRequest {
  instanceId: string;
  metric: Ec2Metric;
}

const STAT: Record<Ec2Metric, string> = {
  StatusCheckFailed: 'Maximum',
  CPUUtilization: 'Average',
  NetworkIn: 'Sum',
  NetworkOut: 'Sum',
  LatencyP99: 'Maximum',
  RequestCount: 'Sum',
  disk_used_percent: 'Maximum',
  mem_used_percent: 'Maximum',
  swap_used_percent: 'Maximum',
  ErrorRate: 'Average',
};

/** Every result of a GetMetricData request, over as many pages as CloudWatch returns. */
async function* metricDataResults(
  cloudwatch: CloudWatchClient,
  input: Omit<GetMetricDataCommandInput, 'NextToken'>,
): AsyncGenerator<MetricDataResult> {
  let nextToken: string | undefined;
  do {
    const out = await cloudwatch.send(new GetMetricDataCommand({ ...input, NextToken: nextToken }));
    yield* out.MetricDataResults ?? [];
    nextToken = out.NextToken;
  } while (nextToken);
}

/**
 * A per-datapoint total (NetworkIn's Sum) as a rate, so the floor and the findings read the same
 * whatever period the series was read at. A datapoint sums what the instance reported since the one
 * before: over the period read at, or longer when the instance reports less often (basic monitoring
 * puts five minutes into each datapoint, whatever period it is read at). So the divisor is the larger
 * of the period and the series' usual spacing (the median gap: a missing datapoint does not move it).
 */
export function perSecond(points: MetricPoint[] | undefined, periodSeconds: number): MetricPoint[] {
  const list = points ?? [];
  const times = list.map((p) => Date.parse(p.at)).sort((a, b) => a - b);
  const spacing = Math.max(periodSeconds, medianGap(times) / 1000);
  return list.map((p) => ({ at: p.at, value: p.value / spacing }));
}

/** The CloudWatch metric each fleet-monitor detector judges. */
export const MONITORED_SERIES: Record<MonitoredMetric, Ec2Metric> = {
  cpu: 'CPUUtilization',
  latency: 'LatencyP99',
  network: 'NetworkIn',
  egress: 'NetworkOut',
  requests: 'RequestCount',
};

/** Totals per datapoint, judged as rates. */
const COUNTED: readonly Ec2Metric[] = ['NetworkIn', 'NetworkOut', 'RequestCount'];

/**
 * A series as its detector judges it, and so as the detector learns it and the console draws it:
 * traffic either way and requests as a rate (`perSecond`), the others as read.
 */
export const asJudged = (metric: Ec2Metric, points: MetricPoint[] | undefined, periodSeconds: number) =>
  COUNTED.includes(metric) ? perSecond(points, periodSeconds) : (points ?? []);

function inTimeOrderOnce(points: MetricPoint[]): MetricPoint[] {
  const seen = new Set<string>();
  return points.filter((p) => !seen.has(p.at) && seen.add(p.at)).sort((a, b) => a.at.localeCompare(b.at));
}

const pointsOf = (series: MetricDataResult): MetricPoint[] =>
  (series.Timestamps ?? []).map((at, i) => ({ at: at.toISOString(), value: series.Values?.[i] ?? 0 }));

/**
 * The longest time range one GetMetricData call covers. A week's history at one-minute periods is
 * read a day at a time: the emulator buckets each call in time proportional to its buckets times
 * every datapoint in its range (one 8-day call took over a minute once other suites had published),
 * and CloudWatch answers eight day-long calls as readily as one.
 */
export const METRIC_READ_SLICE_MS = 86_400_000;

/** Queries one GetMetricData call takes. */
export const MAX_METRIC_QUERIES = 500;

/**
 * Reads EC2 metrics for many instances in as few GetMetricData calls as the API allows (500
 * queries each, a day each). The result is keyed `instanceId/metric`, oldest first.
 */
export async function readEc2Metrics(
  cloudwatch: CloudWatchClient,
  requests: MetricRequest[],
  since: Date,
  until: Date,
  periodSeconds: number,
  alignment: 'stable-buckets' | 'exact-start' = 'stable-buckets',
): Promise<Map<string, MetricPoint[]>> {
  const result = new Map<string, MetricPoint[]>();
  // Buckets start at StartTime. Detection aligns it to the period so a datapoint keeps the same
  // bucket timestamp from one poll to the next (its edge-triggered watermarks rely on that);
  // verification needs every datapoint from the action on, and no earlier.
  const periodMs = periodSeconds * 1000;
  // CloudWatch works in whole seconds, so a datapoint from the same second as `since` may predate it.
  const alignMs = alignment === 'stable-buckets' ? periodMs : 1000;
  const start = Math.ceil(since.getTime() / alignMs) * alignMs;
  // Slices are whole periods long, so each starts on the same bucket boundaries as one long read.
  const sliceMs = Math.max(periodMs, Math.floor(METRIC_READ_SLICE_MS / periodMs) * periodMs);
  const slices: [Date, Date][] = [];
  for (let from = start; from < until.getTime(); from += sliceMs)
    slices.push([new Date(from), new Date(Math.min(from + sliceMs, until.getTime()))]);
  for (let offset = 0; offset < requests.length; offset += MAX_METRIC_QUERIES) {
    const batch = requests.slice(offset, offset + MAX_METRIC_QUERIES);
    const queries: MetricDataQuery[] = batch.map((r, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: {
          Namespace: namespaceOf(r.metric),
          MetricName: r.metric,
          Dimensions: [{ Name: 'InstanceId', Value: r.instanceId }],
        },
        Period: periodSeconds,
        Stat: STAT[r.metric],
      },
    }));
    for (const [sliceStart, sliceEnd] of slices)
      for await (const series of metricDataResults(cloudwatch, {
        StartTime: sliceStart,
        EndTime: sliceEnd,
        MetricDataQueries: queries,
      })) {
        const request = batch[Number(series.Id?.slice(1))];
        if (!request) continue;
        const key = `${request.instanceId}/${request.metric}`;
        const points = result.get(key) ?? [];
        for (const point of pointsOf(series)) points.push(point);
        result.set(key, points);
      }
  }
  // A bucket that starts where one slice ends may come back from both calls.
  for (const [key, points] of result) result.set(key, inTimeOrderOnce(points));
  return result;
}

/** The statistic the fleet's own metrics are read with (a sum for traffic, a peak for latency...). */
export const statOf = (metric: Ec2Metric): string => STAT[metric];

/** Any CloudWatch metric: its namespace, name, dimensions and the statistic to read. */
export interface MetricQuery {
  namespace: string;
  metric: string;
  dimensions: { name: string; value: string }[];
  stat: string;
}

/** One metric's datapoints, oldest first, over as many pages as CloudWatch returns them in. */
export async function readMetricSeries(
  cloudwatch: CloudWatchClient,
  query: MetricQuery,
  since: Date,
  until: Date,
  periodSeconds: number,
): Promise<MetricPoint[]> {
  return (await readMetricQueries(cloudwatch, [query], since, until, periodSeconds))[0] ?? [];
}

/** Several metrics' datapoints in one GetMetricData call (500 queries at most), each oldest first, in the queries' order. */
export async function readMetricQueries(
  cloudwatch: CloudWatchClient,
  queries: MetricQuery[],
  since: Date,
  until: Date,
  periodSeconds: number,
): Promise<MetricPoint[][]> {
  if (queries.length > MAX_METRIC_QUERIES)
    throw new RangeError(`${queries.length} metric queries: GetMetricData takes ${MAX_METRIC_QUERIES}`);
  if (queries.length === 0) return [];
  // Buckets start at StartTime: aligned to the period, they fall on the clock's marks (:00, :05, …).
  const periodMs = periodSeconds * 1000;
  const start = new Date(Math.floor(since.getTime() / periodMs) * periodMs);
  const series: MetricPoint[][] = queries.map(() => []);
  const input = {
    StartTime: start,
    EndTime: until,
    ScanBy: 'TimestampAscending' as const,
    MetricDataQueries: queries.map((query, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: {
          Namespace: query.namespace,
          MetricName: query.metric,
          Dimensions: query.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
        },
        Period: periodSeconds,
        Stat: query.stat,
      },
    })),
  };
  for await (const result of metricDataResults(cloudwatch, input))
    for (const point of pointsOf(result)) series[Number(result.Id?.slice(1))]?.push(point);
  // Pages come in order, but an emulator or a retried page need not: the detector needs time order,
  // and a page answered twice must not feed its datapoints twice.
  return series.map(inTimeOrderOnce);
}
