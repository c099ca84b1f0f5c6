import {
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import {
  DONE_TAG,
  waitForState,
  type Heartbeat,
  type RemediationInput,
  type RemediationResult,
} from './ec2-remediation';
import { requireInstance, stateOf, tagValue } from './instances';

/** `<step key>:<old volume>:<snapshot>`: what a restore replaced, written before anything changes. */
export const RESTORE_TAG = 'medic:restore';
const RESTORED_FOR_TAG = 'medic:restored-for';

/** Volume stages (created, detached) have no waiter like `waitForState`: poll until they hold. */
async function waitForVolume(
  check: () => Promise<boolean>,
  what: string,
  heartbeat: Heartbeat,
  timeoutMs = 600_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    heartbeat(`waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Restore from backup: the instance's root volume is replaced by a new volume made from its newest
 * completed snapshot (stop, detach, attach, start). The old volume is kept, detached, for a person
 * to inspect; nothing is deleted. Each stage checks before it acts, so a retry picks up where a
 * crash left it.
 */
export function createRestoreActivities(ec2: EC2Client, heartbeat: () => Heartbeat) {
  async function restoreFromSnapshot(input: RemediationInput): Promise<RemediationResult> {
    const beat = heartbeat();
    let instance = await requireInstance(ec2, input.instanceId);
    if (tagValue(instance, DONE_TAG) === input.idempotencyKey)
      return { instanceId: input.instanceId, detail: 'restore already done for this step' };
    const device = instance.RootDeviceName ?? '/dev/xvda';
    const recorded = tagValue(instance, RESTORE_TAG)?.split(':');
    const mine = recorded?.[0] === input.idempotencyKey;
    const oldVolume = mine
      ? recorded[1]
      : instance.BlockDeviceMappings?.find((m) => m.DeviceName === device)?.Ebs?.VolumeId;
    if (!oldVolume)
      throw ApplicationFailure.create({
        type: 'NoRootVolume',
        message: `${input.instanceId} has no EBS root volume`,
        nonRetryable: true,
      });
    let snapshotId = mine ? recorded[2] : undefined;
    let snapshotTime: Date | undefined;
    if (!snapshotId) {
      const snapshots = await ec2.send(
        new DescribeSnapshotsCommand({
          Filters: [
            { Name: 'volume-id', Values: [oldVolume] },
            { Name: 'status', Values: ['completed'] },
          ],
        }),
      );
      const newest = (snapshots.Snapshots ?? []).sort(
        (a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0),
      )[0];
      if (!newest?.SnapshotId)
        throw ApplicationFailure.create({
          type: 'NoSnapshot',
          message: `No completed snapshot of ${oldVolume} to restore ${input.instanceId} from`,
          nonRetryable: true,
        });
      snapshotId = newest.SnapshotId;
      snapshotTime = newest.StartTime;
    }
    if (input.dryRun)
      return {
        instanceId: input.instanceId,
        detail: `dry run: would restore ${device} from ${snapshotId}; nothing changed`,
      };
    if (!mine)
      await ec2.send(
        new CreateTagsCommand({
          Resources: [input.instanceId],
          Tags: [{ Key: RESTORE_TAG, Value: `${input.idempotencyKey}:${oldVolume}:${snapshotId}` }],
        }),
      );

    // The new volume, made once per step (found again by its tag after a crash).
    const existing = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: `tag:${RESTORED_FOR_TAG}`, Values: [input.idempotencyKey] }],
      }),
    );
    let newVolume = existing.Volumes?.[0]?.VolumeId;
    if (!newVolume) {
      const created = await ec2.send(
        new CreateVolumeCommand({
          SnapshotId: snapshotId,
          AvailabilityZone: instance.Placement?.AvailabilityZone,
          TagSpecifications: [
            { ResourceType: 'volume', Tags: [{ Key: RESTORED_FOR_TAG, Value: input.idempotencyKey }] },
          ],
        }),
      );
      newVolume = created.VolumeId!;
    }
    const volumeState = async (id: string) =>
      (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.[0];
    await waitForVolume(
      async () => (await volumeState(newVolume))?.State !== 'creating',
      `${newVolume} created`,
      beat,
    );

    if (stateOf(instance) === 'running' || stateOf(instance) === 'pending')
      await ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId] }));
    await waitForState(ec2, input.instanceId, 'stopped', beat);

    const attachedTo = async (id: string) =>
      (await volumeState(id))?.Attachments?.find((a) => a.State !== 'detached')?.InstanceId;
    if ((await attachedTo(oldVolume)) === input.instanceId)
      await ec2.send(new DetachVolumeCommand({ VolumeId: oldVolume, InstanceId: input.instanceId }));
    await waitForVolume(
      async () => (await attachedTo(oldVolume)) === undefined,
      `${oldVolume} detached`,
      beat,
    );
    if ((await attachedTo(newVolume)) !== input.instanceId)
      await ec2.send(
        new AttachVolumeCommand({ VolumeId: newVolume, InstanceId: input.instanceId, Device: device }),
      );

    instance = await requireInstance(ec2, input.instanceId);
    if (stateOf(instance) !== 'running')
      await ec2.send(new StartInstancesCommand({ InstanceIds: [input.instanceId] }));
    await waitForState(ec2, input.instanceId, 'running', beat);
    await ec2.send(
      new CreateTagsCommand({
        Resources: [input.instanceId],
        Tags: [{ Key: DONE_TAG, Value: input.idempotencyKey }],
      }),
    );
    return {
      instanceId: input.instanceId,
      detail: `restored ${device} from ${snapshotId}${snapshotTime ? ` (taken ${snapshotTime.toISOString()})` : ''}: ${newVolume} replaces ${oldVolume}, which is kept detached; running`,
    };
  }
  return { restoreFromSnapshot };
}
