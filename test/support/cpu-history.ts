import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/** Publishes an instance's past CPU to the emulator, 1 000 datapoints a call (CloudWatch's limit). */
export async function publishCpuHistory(
  cloudwatch: CloudWatchClient,
  instanceId: string,
  points: readonly { at: number; value: number }[],
): Promise<void> {
  for (let from = 0; from < points.length; from += 1000)
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: points.slice(from, from + 1000).map((p) => ({
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
          Timestamp: new Date(p.at),
          Value: p.value,
          Unit: 'Percent',
        })),
      }),
    );
}
