import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import {
  DescribeTargetHealthCommand,
  paginateDescribeTargetGroups,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LiveInstance } from '../domain/rootcause/live';
import { routesToGroups, type BalancingClients } from './balancer-view';
import { tagValue } from './instances';
import { AUTOSCALING_GROUP_TAG, DATABASES_TAG, FLEET_TAG } from './tags';

/**
 * Target groups whose registered targets are read (one DescribeTargetHealth each) when the fleet
 * has instances outside any Auto Scaling group: bounds the read in an account with many services.
 */
export const MAX_TARGET_GROUPS_SCANNED = 50;

/** `arn:…:loadbalancer/app/web-lb/50dc6c49…` → `web-lb`: how people name it. */
export const loadBalancerName = (arn: string): string => arn.split('/')[2] ?? arn;

/** `"db-orders, cache-1"` → `["db-orders", "cache-1"]`. */
export const databasesOf = (instance: Instance): string[] =>
  (tagValue(instance, DATABASES_TAG) ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);

/**
 * The load balancers in front of each of the fleet's Auto Scaling groups (group → its target groups →
 * their load balancers): three calls for the fleet, however many target groups the account has.
 */
async function loadBalancersByGroup(
  clients: BalancingClients,
  groups: string[],
): Promise<Map<string, string[]>> {
  const routes = await routesToGroups(clients, groups);
  return new Map(
    [...routes].map(([group, behind]) => [
      group,
      [...new Set(behind.map((r) => loadBalancerName(r.loadBalancerArn)))],
    ]),
  );
}

/**
 * The load balancers in front of instances registered by hand, outside any group: the instance
 * target groups in the instances' VPCs that have a load balancer, and their registered targets —
 * one call a target group, so at most `MAX_TARGET_GROUPS_SCANNED` are read.
 */
async function loadBalancersByTarget(
  elbv2: ElasticLoadBalancingV2Client,
  instances: Instance[],
): Promise<Map<string, string[]>> {
  const wanted = new Set(instances.map((i) => i.InstanceId ?? ''));
  const vpcs = new Set(instances.map((i) => i.VpcId ?? ''));
  const candidates: { arn: string; balancers: string[] }[] = [];
  for await (const page of paginateDescribeTargetGroups({ client: elbv2 }, {})) {
    for (const tg of page.TargetGroups ?? [])
      if (
        tg.TargetGroupArn &&
        (tg.TargetType ?? 'instance') === 'instance' &&
        vpcs.has(tg.VpcId ?? '') &&
        (tg.LoadBalancerArns ?? []).length > 0
      )
        candidates.push({
          arn: tg.TargetGroupArn,
          balancers: (tg.LoadBalancerArns ?? []).map(loadBalancerName),
        });
    if (candidates.length >= MAX_TARGET_GROUPS_SCANNED) break;
  }
  const balancersOf = new Map<string, string[]>();
  for (const { arn, balancers } of candidates.slice(0, MAX_TARGET_GROUPS_SCANNED)) {
    const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    for (const d of out.TargetHealthDescriptions ?? []) {
      const id = d.Target?.Id ?? '';
      if (wanted.has(id)) balancersOf.set(id, [...new Set([...(balancersOf.get(id) ?? []), ...balancers])]);
    }
  }
  return balancersOf;
}

/** The fleet's instances (not terminated) with what each depends on and what depends on it. */
export async function readFleetInstances(
  clients: { ec2: EC2Client; autoscaling: AutoScalingClient; elbv2: ElasticLoadBalancingV2Client },
  fleet: string,
): Promise<LiveInstance[]> {
  const out = await clients.ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }] }),
  );
  const instances = (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== 'terminated');
  const groups = [...new Set(instances.flatMap((i) => tagValue(i, AUTOSCALING_GROUP_TAG) ?? []))];
  const balancers =
    groups.length > 0 ? await loadBalancersByGroup(clients, groups) : new Map<string, string[]>();
  const outsideGroups = instances.filter((i) => tagValue(i, AUTOSCALING_GROUP_TAG) === undefined);
  const registered =
    outsideGroups.length > 0
      ? await loadBalancersByTarget(clients.elbv2, outsideGroups)
      : new Map<string, string[]>();
  return instances.map((i) => {
    const group = tagValue(i, AUTOSCALING_GROUP_TAG);
    const loadBalancers =
      (group === undefined ? registered.get(i.InstanceId ?? '') : balancers.get(group)) ?? [];
    const databases = databasesOf(i);
    return {
      instanceId: i.InstanceId ?? '',
      ...(group ? { group } : {}),
      volumeIds: (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '').filter(Boolean),
      securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
      subnetId: i.SubnetId,
      ...(databases.length > 0 ? { databases } : {}),
      ...(loadBalancers.length > 0 ? { loadBalancers } : {}),
    };
  });
}
