import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../activities/aws-clients';
import { createFleet } from '../../activities/fleet';
import { createFleetAutoScalingGroup, launchedMembers } from '../../activities/fleet-group';

/** A one-instance fleet and an Auto Scaling group `<fleet>-asg` on its launch template, tagged with the fleet. */
export async function createFleetGroup(
  aws: AwsClients,
  fleet: string,
  size: { min: number; max: number; desired: number },
): Promise<string> {
  await createFleet(aws, { fleet, size: 1, manualCount: 0 });
  return createFleetAutoScalingGroup(aws.autoscaling, fleet, size);
}

export async function desiredCapacity(aws: AwsClients, group: string): Promise<number | undefined> {
  const out = await aws.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
  );
  return out.AutoScalingGroups?.[0]?.DesiredCapacity;
}

/** The group's instances once it has `count` of them (it launches them in the background). */
export const groupMembers = (aws: AwsClients, group: string, count: number): Promise<string[]> =>
  launchedMembers(aws.autoscaling, group, count);
