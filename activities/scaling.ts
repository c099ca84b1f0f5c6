import {
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ApplicationFailure } from '@temporalio/common';

export interface GroupObservation {
  name: string;
  desired: number;
  minSize: number;
  maxSize: number;
  /** Average CPU of the group's instances over the lookback; undefined without datapoints. */
  averageCpu?: number;
}

/** A group by name; a missing one is a non-retryable GroupNotFound. */
export async function describeGroup(autoscaling: AutoScalingClient, name: string) {
  const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = out.AutoScalingGroups?.[0];
  if (!group)
    throw ApplicationFailure.nonRetryable(`Auto Scaling group ${name} does not exist`, 'GroupNotFound');
  return group;
}

/** Idempotent: an absolute capacity, and no call when the group already has it. */
export async function setCapacity(
  autoscaling: AutoScalingClient,
  name: string,
  desired: number,
): Promise<{ changed: boolean; from: number }> {
  const group = await describeGroup(autoscaling, name);
  const from = group.DesiredCapacity ?? 0;
  if (from === desired) return { changed: false, from };
  await autoscaling.send(
    new SetDesiredCapacityCommand({
      AutoScalingGroupName: name,
      DesiredCapacity: desired,
      HonorCooldown: false,
    }),
  );
  return { changed: true, from };
}

/** The scaling agent's side effects: read a group and its CPU, set its desired capacity. */
export function createScalingActivities(autoscaling: AutoScalingClient, cloudwatch: CloudWatchClient) {
  const describe = (name: string) => describeGroup(autoscaling, name);
  return {
    async observeGroup(input: {
      name: string;
      lookbackSeconds: number;
      periodSeconds: number;
    }): Promise<GroupObservation> {
      const group = await describe(input.name);
      const now = Date.now();
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - input.lookbackSeconds * 1000),
          EndTime: new Date(now + 60_000),
          MetricDataQueries: [
            {
              Id: 'cpu',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/EC2',
                  MetricName: 'CPUUtilization',
                  Dimensions: [{ Name: 'AutoScalingGroupName', Value: input.name }],
                },
                Period: input.periodSeconds,
                Stat: 'Average',
              },
            },
          ],
        }),
      );
      const values = out.MetricDataResults?.[0]?.Values ?? [];
      return {
        name: input.name,
        desired: group.DesiredCapacity ?? 0,
        minSize: group.MinSize ?? 0,
        maxSize: group.MaxSize ?? 0,
        averageCpu: values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined,
      };
    },
    /** Idempotent: an absolute capacity, and no call when the group already has it. */
    async setGroupCapacity(input: {
      name: string;
      desired: number;
    }): Promise<{ changed: boolean; from: number }> {
      return setCapacity(autoscaling, input.name, input.desired);
    },
  };
}
