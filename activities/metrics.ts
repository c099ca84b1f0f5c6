import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricPoint } from '../domain/detection';

export type Ec2Metric = 'StatusCheckFailed' | 'CPUUtilization';

export interface MetricRequest {
  instanceId: string;
  metric: Ec2Metric;
}

const STAT: Record<Ec2Metric, string> = { StatusCheckFailed: 'Maximum', CPUUtilization: 'Average' };

/**
 * Reads EC2 metrics for many instances in as few GetMetricData calls as the API allows (500
 * queries each). The result is keyed `instanceId/metric`.
 */
export async function readEc2Metrics(
  cloudwatch: CloudWatchClient,
  requests: MetricRequest[],
  since: Date,
  until: Date,
  periodSeconds: number,
): Promise<Map<string, MetricPoint[]>> {
  const result = new Map<string, MetricPoint[]>();
  // Buckets start at StartTime: aligning it to the period keeps a datapoint's bucket timestamp the
  // same from one poll to the next (edge-triggered detection relies on it), and rounding up means
  // nothing older than `since` is ever counted.
  const periodMs = periodSeconds * 1000;
  const start = new Date(Math.ceil(since.getTime() / periodMs) * periodMs);
  for (let offset = 0; offset < requests.length; offset += 500) {
    const batch = requests.slice(offset, offset + 500);
    const queries: MetricDataQuery[] = batch.map((r, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: { Namespace: 'AWS/EC2', MetricName: r.metric, Dimensions: [{ Name: 'InstanceId', Value: r.instanceId }] },
        Period: periodSeconds,
        Stat: STAT[r.metric],
      },
    }));
    let nextToken: string | undefined;
    do {
      const out = await cloudwatch.send(
        new GetMetricDataCommand({ StartTime: start, EndTime: until, MetricDataQueries: queries, NextToken: nextToken }),
      );
      for (const series of out.MetricDataResults ?? []) {
        const request = batch[Number(series.Id?.slice(1))];
        if (!request) continue;
        const key = `${request.instanceId}/${request.metric}`;
        const points = result.get(key) ?? [];
        (series.Timestamps ?? []).forEach((at, i) => points.push({ at: at.toISOString(), value: series.Values?.[i] ?? 0 }));
        result.set(key, points);
      }
      nextToken = out.NextToken;
    } while (nextToken);
  }
  return result;
}
