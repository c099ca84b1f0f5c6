import {
  CreateTagsCommand,
  DescribeVolumesCommand,
  ModifyVolumeCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { confirmPermitted, type RemediationInput, type RemediationResult } from './ec2-remediation';
import { requireInstance } from './instances';

/** On the root volume: `<idempotency key>:<size before>:<size after>` of the last growth. */
export const EXPANDED_TAG = 'medic:expanded';

function rootVolumeId(instance: Instance): string {
  const device = instance.RootDeviceName ?? '/dev/xvda';
  const volumeId =
    instance.BlockDeviceMappings?.find((m) => m.DeviceName === device)?.Ebs?.VolumeId ??
    instance.BlockDeviceMappings?.[0]?.Ebs?.VolumeId;
  if (!volumeId)
    throw ApplicationFailure.create({
      type: 'NoRootVolume',
      message: `${instance.InstanceId} has no EBS root volume`,
      nonRetryable: true,
    });
  return volumeId;
}

async function describeVolume(ec2: EC2Client, volumeId: string) {
  const out = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
  const found = out.Volumes?.[0];
  if (!found) throw new Error(`volume ${volumeId} not found`);
  return found;
}

/** Verification of a grown disk: the root volume is at the size its last growth asked for. */
export async function rootVolumeGrown(
  ec2: EC2Client,
  instance: Instance,
): Promise<{ grown: boolean; detail: string }> {
  const current = await describeVolume(ec2, rootVolumeId(instance));
  const target = Number(current.Tags?.find((t) => t.Key === EXPANDED_TAG)?.Value?.split(':')[2]);
  return Number.isFinite(target) && (current.Size ?? 0) >= target
    ? { grown: true, detail: `root volume ${current.VolumeId} is ${current.Size} GiB, as grown` }
    : { grown: false, detail: `root volume ${current.VolumeId} is ${current.Size} GiB, not yet grown` };
}

/**
 * Predictive maintenance's fix for a filling disk: the root volume grows by half, online. The
 * growth is recorded on the volume before the call with the step's key, so a retry does not grow
 * it twice, and verification can tell the grown size from the old one.
 */
export function createVolumeActivities(ec2: EC2Client) {
  const volume = (volumeId: string) => describeVolume(ec2, volumeId);

  async function expandVolume(input: RemediationInput): Promise<RemediationResult> {
    const instance = await requireInstance(ec2, input.instanceId);
    const volumeId = rootVolumeId(instance);
    const current = await volume(volumeId);
    const recorded = current.Tags?.find((t) => t.Key === EXPANDED_TAG)?.Value?.split(':');
    const size = current.Size ?? 8;
    if (recorded?.[0] === input.idempotencyKey && size >= Number(recorded[2]))
      return {
        instanceId: input.instanceId,
        detail: `${volumeId} already grown to ${size} GiB by this step`,
      };
    const from = recorded?.[0] === input.idempotencyKey ? Number(recorded[1]) : size;
    const to = Math.max(from + 1, Math.ceil(from * 1.5));
    if (input.dryRun)
      return confirmPermitted(
        input.instanceId,
        () => ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: to, DryRun: true })),
        'ModifyVolume',
      );
    await ec2.send(
      new CreateTagsCommand({
        Resources: [volumeId],
        Tags: [{ Key: EXPANDED_TAG, Value: `${input.idempotencyKey}:${from}:${to}` }],
      }),
    );
    await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: to }));
    return {
      instanceId: input.instanceId,
      detail: `root volume ${volumeId} grown from ${from} to ${to} GiB online`,
    };
  }

  return { expandVolume };
}
