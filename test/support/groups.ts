import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../activities/aws-clients';
import { createFleet } from '../../activities/fleet';
import { FLEET_TAG } from '../../activities/tags';
import { fleetResourceName } from '../../domain/topology';
import { eventually } from './env';

/** A one-instance fleet and an Auto Scaling group `<fleet>-asg` on its launch template, tagged with the fleet. */
export async function createFleetGroup(
  aws: AwsClients,
  fleet: string,
  size: { min: number; max: number; desired: number },
): Promise<string> {
  await createFleet(aws, { fleet, size: 1, manualCount: 0 });
  const group = `${fleet}-asg`;
  await aws.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: group,
      LaunchTemplate: { LaunchTemplateName: fleetResourceName(fleet, 'lt') },
      MinSize: size.min,
      MaxSize: size.max,
      DesiredCapacity: size.desired,
      AvailabilityZones: ['us-east-1a'],
      Tags: [{ Key: FLEET_TAG, Value: fleet, PropagateAtLaunch: true }],
    }),
  );
  return group;
}

export async function desiredCapacity(aws: AwsClients, group: string): Promise<number | undefined> {
  const out = await aws.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
  );
  return out.AutoScalingGroups?.[0]?.DesiredCapacity;
}

/** The group's instances once it has `count` of them (it launches them in the background). */
export async function groupMembers(aws: AwsClients, group: string, count: number): Promise<string[]> {
  return eventually(
    async () => {
      const out = await aws.autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
      );
      const ids = out.AutoScalingGroups?.[0]?.Instances?.map((i) => i.InstanceId ?? '') ?? [];
      return ids.length === count ? ids : undefined;
    },
    20_000,
    'the group to launch its instances',
  );
}
