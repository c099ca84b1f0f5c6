import { StopInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { requireInstance } from './instances';

/** Fault injection against the emulated (or a disposable real) fleet. */
export function createChaos(ec2: EC2Client, cloudwatch: CloudWatchClient) {
  async function stopInstance(instanceId: string): Promise<void> {
    await requireInstance(ec2, instanceId);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  }

  async function publish(instanceId: string, metric: 'StatusCheckFailed' | 'CPUUtilization', values: number[]): Promise<void> {
    await requireInstance(ec2, instanceId);
    const now = Date.now();
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: values.map((value, i) => ({
          MetricName: metric,
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
          // Newest last, ten seconds apart (the local metric period), so the window reads as a
          // sustained fault rather than one sample.
          Timestamp: new Date(now - (values.length - 1 - i) * 10_000),
          Value: value,
          Unit: metric === 'CPUUtilization' ? 'Percent' : 'Count',
        })),
      }),
    );
  }

  const statusCheckFailed = (instanceId: string) => publish(instanceId, 'StatusCheckFailed', [1, 1, 1]);
  const cpuSpike = (instanceId: string) => publish(instanceId, 'CPUUtilization', [96, 98, 99]);

  return { stopInstance, statusCheckFailed, cpuSpike };
}
