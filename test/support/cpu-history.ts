import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';

type Point = { at: number; value: number };

/** Publishes an instance's datapoints of one metric to the emulator, 1 000 a call (CloudWatch's limit). */
export async function publishInstanceMetric(
  cloudwatch: CloudWatchClient,
  instanceId: string,
  metric: { namespace: string; name: string; unit: 'Percent' | 'Milliseconds' | 'Bytes' },
  points: readonly Point[],
): Promise<void> {
  for (let from = 0; from < points.length; from += 1000)
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: metric.namespace,
        MetricData: points.slice(from, from + 1000).map((p) => ({
          MetricName: metric.name,
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
          Timestamp: new Date(p.at),
          Value: p.value,
          Unit: metric.unit,
        })),
      }),
    );
}

/** Values ten seconds apart (the local metric period), the last one now. */
export const tenSecondsApart = (values: readonly number[], now = Date.now()): Point[] =>
  values.map((value, i) => ({ at: now - (values.length - 1 - i) * 10_000, value }));

/** Publishes an instance's past CPU to the emulator. */
export const publishCpuHistory = (
  cloudwatch: CloudWatchClient,
  instanceId: string,
  points: readonly Point[],
) =>
  publishInstanceMetric(
    cloudwatch,
    instanceId,
    { namespace: 'AWS/EC2', name: 'CPUUtilization', unit: 'Percent' },
    points,
  );
