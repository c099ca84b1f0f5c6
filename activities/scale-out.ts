import { AUTOSCALING_GROUP_TAG } from './tags';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import type { RemediationInput, RemediationResult } from './ec2-remediation';
import { requireInstance, tagValue } from './instances';
import { describeGroup, setCapacity } from './scaling';

const SCALED_OUT_TAG = 'medic:scaled-out';

/**
 * Latency healing's middle step: one more instance in the slow instance's Auto Scaling group,
 * never above its maximum. The target size is recorded on the instance with the step's key before
 * it is set, and set as an absolute number, so a retry never adds a second instance.
 */
export function createScaleOutActivities(ec2: EC2Client, autoscaling: AutoScalingClient) {
  async function scaleOutGroup(input: RemediationInput): Promise<RemediationResult> {
    const instance = await requireInstance(ec2, input.instanceId);
    const groupName = tagValue(instance, AUTOSCALING_GROUP_TAG);
    if (!groupName)
      throw ApplicationFailure.create({
        type: 'NotInAGroup',
        message: `${input.instanceId} is not in an Auto Scaling group`,
        nonRetryable: true,
      });
    const group = await describeGroup(autoscaling, groupName);
    const recorded = tagValue(instance, SCALED_OUT_TAG);
    const from = group.DesiredCapacity ?? 0;
    const target = recorded?.startsWith(`${input.idempotencyKey}:`)
      ? Number(recorded.slice(input.idempotencyKey.length + 1))
      : from + 1;
    if (target > (group.MaxSize ?? 0))
      throw ApplicationFailure.create({
        type: 'GroupAtMaximum',
        message: `${groupName} is at its maximum of ${group.MaxSize}; it cannot take another instance`,
        nonRetryable: true,
      });
    if (input.dryRun)
      return { instanceId: input.instanceId, detail: `dry run: would scale ${groupName} to ${target}` };
    if (!recorded?.startsWith(`${input.idempotencyKey}:`))
      await ec2.send(
        new CreateTagsCommand({
          Resources: [input.instanceId],
          Tags: [{ Key: SCALED_OUT_TAG, Value: `${input.idempotencyKey}:${target}` }],
        }),
      );
    await setCapacity(autoscaling, groupName, target);
    return { instanceId: input.instanceId, detail: `${groupName} scaled out to ${target} (was ${from})` };
  }
  return { scaleOutGroup };
}
