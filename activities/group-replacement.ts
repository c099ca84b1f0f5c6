import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { judgeGroupReplacement, type GroupReplacement } from '../domain/group-replacement';
import { findInstance, stateOf } from './instances';

export function createGroupReplacementActivities(ec2: EC2Client, autoscaling: AutoScalingClient) {
  /**
   * Whether `instanceId`, which a remediation did not heal, is gone because its Auto Scaling group
   * replaced it (decision 0068). Read-only, so a retry is harmless.
   */
  async function replacedByItsGroup(input: { instanceId: string; group: string }): Promise<GroupReplacement> {
    const instance = await findInstance(ec2, input.instanceId);
    const out = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [input.group] }),
    );
    const group = out.AutoScalingGroups?.[0];
    return judgeGroupReplacement({
      instanceId: input.instanceId,
      instanceState: instance ? stateOf(instance) : 'not-found',
      group: input.group,
      ...(group
        ? {
            members: (group.Instances ?? []).map((m) => ({
              instanceId: m.InstanceId ?? '',
              lifecycleState: m.LifecycleState ?? '',
              healthStatus: m.HealthStatus ?? '',
            })),
            desiredCapacity: group.DesiredCapacity ?? 0,
          }
        : {}),
    });
  }
  return { replacedByItsGroup };
}
