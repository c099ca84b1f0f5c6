import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { fleetResourceName } from '../domain/topology';
import { FLEET_TAG } from './tags';

/**
 * An Auto Scaling group `<fleet>-asg` (or `<fleet>-<tier>-asg`, for a fleet of several tiers) on the
 * fleet's launch template (made by `createFleet`), whose members carry the fleet's tag, so the fleet's
 * monitor watches them beside its standalone instances.
 */
export async function createFleetAutoScalingGroup(
  autoscaling: AutoScalingClient,
  fleet: string,
  size: { min: number; max: number; desired: number },
  tier?: string,
  /** The tier's own subnet; otherwise the default one in us-east-1a. */
  subnetId?: string,
): Promise<string> {
  const group = tier ? `${fleet}-${tier}-asg` : `${fleet}-asg`;
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: group,
      LaunchTemplate: { LaunchTemplateName: fleetResourceName(fleet, 'lt') },
      MinSize: size.min,
      MaxSize: size.max,
      DesiredCapacity: size.desired,
      ...(subnetId ? { VPCZoneIdentifier: subnetId } : { AvailabilityZones: ['us-east-1a'] }),
      Tags: [{ Key: FLEET_TAG, Value: fleet, PropagateAtLaunch: true }],
    }),
  );
  return group;
}

/** The group's instances once it has `count` of them (it launches them in the background). */
export async function launchedMembers(
  autoscaling: AutoScalingClient,
  group: string,
  count: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    );
    const ids = out.AutoScalingGroups?.[0]?.Instances?.map((i) => i.InstanceId ?? '') ?? [];
    if (ids.length === count) return ids;
    if (Date.now() > deadline)
      throw new Error(`group ${group} has ${ids.length} instances, not ${count}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
