import {
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ApplicationFailure } from '@temporalio/common';
import type { IncidentMetrics } from './incident-metrics';
import { stepStartOf } from '../domain/scaling/live-forecast';

export interface GroupObservation {
  name: string;
  desired: number;
  minSize: number;
  maxSize: number;
  /** Average CPU of the group's instances over the lookback; undefined without datapoints. */
  averageCpu?: number;
  /** Instances in service now: with the average CPU, the group's demand. */
  inService: number;
}

/** Past demand per step, oldest first, the newest step complete: what seeds a forecast. */
export interface DemandHistory {
  /** Epoch ms of the first step. */
  start: number;
  values: number[];
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

/** A group-level average (AutoScalingGroupName dimension) for GetMetricData. */
function groupAverage(id: string, group: string, namespace: string, name: string, periodSeconds: number) {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: name,
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
      },
      Period: periodSeconds,
      Stat: 'Average',
    },
  };
}

const inServiceCount = (group: AutoScalingGroup) =>
  (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;

/**
 * The group's demand over the last `days`, one value per step: average CPU × instances in
 * service (AWS/AutoScaling GroupInServiceInstances when group metrics are enabled, else today's
 * count). Steps without data repeat the previous one; undefined when there is too little.
 */
export async function readDemandHistory(
  autoscaling: AutoScalingClient,
  cloudwatch: CloudWatchClient,
  input: { name: string; days: number; stepSeconds: number },
): Promise<DemandHistory | undefined> {
  const group = await describeGroup(autoscaling, input.name);
  const stepMs = input.stepSeconds * 1000;
  const end = stepStartOf(Date.now(), input.stepSeconds);
  const start = end - input.days * 86_400_000;
  const cpu = new Map<number, number>();
  const inService = new Map<number, number>();
  let token: string | undefined;
  do {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(end),
        MetricDataQueries: [
          groupAverage('cpu', input.name, 'AWS/EC2', 'CPUUtilization', input.stepSeconds),
          groupAverage(
            'inservice',
            input.name,
            'AWS/AutoScaling',
            'GroupInServiceInstances',
            input.stepSeconds,
          ),
        ],
        NextToken: token,
      }),
    );
    for (const result of out.MetricDataResults ?? []) {
      const into = result.Id === 'cpu' ? cpu : inService;
      (result.Timestamps ?? []).forEach((t, i) =>
        into.set(stepStartOf(t.getTime(), input.stepSeconds), result.Values?.[i] ?? 0),
      );
    }
    token = out.NextToken;
  } while (token);
  if (cpu.size < 2) return undefined;
  const current = inServiceCount(group);
  // The series starts at the first step with data: a group younger than `days` has a shorter one.
  const first = Math.min(...cpu.keys());
  const values: number[] = [];
  let previous: number | undefined;
  for (let t = first; t < end; t += stepMs) {
    const c = cpu.get(t);
    const demand = c === undefined ? previous : c * (inService.get(t) ?? current);
    values.push(demand ?? 0);
    if (demand !== undefined) previous = demand;
  }
  return { start: first, values };
}

/** The scaling agent's side effects: read a group and its CPU, set its desired capacity. */
export function createScalingActivities(
  autoscaling: AutoScalingClient,
  cloudwatch: CloudWatchClient,
  metrics?: Pick<IncidentMetrics, 'modelQuality'>,
) {
  const describe = (name: string) => describeGroup(autoscaling, name);
  return {
    /** The live demand forecast's error, as model monitoring publishes the other models' quality. */
    async recordForecastQuality(input: { group: string; mape: number; steps: number }): Promise<void> {
      metrics?.modelQuality(`demand-forecast:${input.group}`, 'mape', input.mape, input.steps);
    },
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
            groupAverage('cpu', input.name, 'AWS/EC2', 'CPUUtilization', input.periodSeconds),
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
        inService: inServiceCount(group),
      };
    },
    demandHistory: (input: { name: string; days: number; stepSeconds: number }) =>
      readDemandHistory(autoscaling, cloudwatch, input),
    /** Idempotent: an absolute capacity, and no call when the group already has it. */
    async setGroupCapacity(input: {
      name: string;
      desired: number;
    }): Promise<{ changed: boolean; from: number }> {
      return setCapacity(autoscaling, input.name, input.desired);
    },
  };
}
