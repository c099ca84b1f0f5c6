import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { MemberReading, ResourceType } from '../domain/alarm-scope';
import type { MetricPoint } from '../domain/detection';
import { stateOf, tagValue } from './instances';
import { asJudged, readEc2Metrics, type Ec2Metric } from './metrics';
import { AUTOSCALING_GROUP_TAG } from './tags';

/** A group or load balancer an alarm names that the account does not have (or no longer has). */
export class ScopeNotFoundError extends Error {
  override readonly name = 'ScopeNotFoundError';
}

/** Datapoints that make "now" for a member's figure: the alarm fired on the last few periods. */
const LATEST_POINTS = 3;
/** Members read for one alarm: DescribeInstances and one GetMetricData call take this many. */
const MAX_MEMBERS = 100;

async function groupMembers(autoscaling: AutoScalingClient, name: string): Promise<string[]> {
  const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = out.AutoScalingGroups?.[0];
  if (!group) throw new ScopeNotFoundError(`Auto Scaling group ${name} does not exist`);
  return (group.Instances ?? [])
    .filter((i) => !(i.LifecycleState ?? '').startsWith('Terminat'))
    .map((i) => i.InstanceId ?? '')
    .filter(Boolean);
}

/** `app/web-lb/50dc6c49…` (the alarm's LoadBalancer dimension) or `web-lb` → the instances registered behind it. */
async function loadBalancerTargets(
  elbv2: ElasticLoadBalancingV2Client,
  dimension: string,
): Promise<string[]> {
  const name = dimension.split('/')[1] ?? dimension;
  const found = await elbv2
    .send(new DescribeLoadBalancersCommand({ Names: [name] }))
    .catch((err: { name?: string }) => {
      if (err.name === 'LoadBalancerNotFoundException' || err.name === 'LoadBalancerNotFound')
        return undefined;
      throw err;
    });
  // A Prometheus rule may name the balancer alone; CloudWatch's dimension also carries its id.
  const arn = found?.LoadBalancers?.find(
    (lb) => !dimension.includes('/') || lb.LoadBalancerArn?.endsWith(dimension),
  )?.LoadBalancerArn;
  if (!arn) throw new ScopeNotFoundError(`load balancer ${dimension} does not exist`);
  const groups = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn }));
  const targets = new Set<string>();
  for (const tg of groups.TargetGroups ?? []) {
    if ((tg.TargetType ?? 'instance') !== 'instance' || !tg.TargetGroupArn) continue;
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }));
    for (const d of health.TargetHealthDescriptions ?? []) if (d.Target?.Id) targets.add(d.Target.Id);
  }
  return [...targets];
}

const latest = (points: MetricPoint[] | undefined): number[] =>
  (points ?? []).slice(-LATEST_POINTS).map((p) => p.value);
const meanOf = (values: number[]): number | undefined =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;

/**
 * Reads the members an alarm on a group or load balancer covers, each with its state and latest
 * figures, for `answerAlarmScope`. A scope the account does not have is a `ScopeNotFoundError`.
 */
export function alarmScopeReader(
  clients: {
    ec2: EC2Client;
    autoscaling: AutoScalingClient;
    elbv2: ElasticLoadBalancingV2Client;
    cloudwatch: CloudWatchClient;
  },
  metricPeriodSeconds: number,
) {
  return async (type: ResourceType, id: string): Promise<MemberReading[]> => {
    const ids =
      type === 'group'
        ? await groupMembers(clients.autoscaling, id)
        : type === 'load-balancer'
          ? await loadBalancerTargets(clients.elbv2, id)
          : [];
    const members = ids.slice(0, MAX_MEMBERS);
    if (members.length === 0) return [];
    const described = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: members }));
    const instances = (described.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    const metrics: Ec2Metric[] = [
      'StatusCheckFailed',
      'CPUUtilization',
      'LatencyP99',
      'ErrorRate',
      'RequestCount',
    ];
    const now = Date.now();
    // Enough periods back that the latest few exist even when the alarm arrives a little late.
    const since = new Date(now - Math.max(5 * 60, 10 * metricPeriodSeconds) * 1000);
    const series = await readEc2Metrics(
      clients.cloudwatch,
      members.flatMap((instanceId) => metrics.map((metric) => ({ instanceId, metric }))),
      since,
      new Date(now + 60_000),
      metricPeriodSeconds,
    );
    return instances.map((instance) => {
      const instanceId = instance.InstanceId ?? '';
      const of = (metric: Ec2Metric) => latest(series.get(`${instanceId}/${metric}`));
      const cpuPercent = meanOf(of('CPUUtilization'));
      const latencyP99Ms = meanOf(of('LatencyP99'));
      const errorRatePercent = meanOf(of('ErrorRate'));
      const group = tagValue(instance, AUTOSCALING_GROUP_TAG) ?? (type === 'group' ? id : undefined);
      const requestRate = asJudged(
        'RequestCount',
        series.get(`${instanceId}/RequestCount`),
        metricPeriodSeconds,
      );
      return {
        instanceId,
        state: stateOf(instance),
        ...(group ? { group } : {}),
        statusCheckFailed: of('StatusCheckFailed').some((v) => v >= 1),
        ...(cpuPercent === undefined ? {} : { cpuPercent }),
        ...(latencyP99Ms === undefined ? {} : { latencyP99Ms }),
        ...(errorRatePercent === undefined ? {} : { errorRatePercent }),
        ...(requestRate.length ? { requestRate } : {}),
      };
    });
  };
}

export type AlarmScopeReader = ReturnType<typeof alarmScopeReader>;
