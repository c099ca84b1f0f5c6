import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  ModifyInstanceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  DescribeAutoScalingInstancesCommand,
  DetachInstancesCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { ApplicationFailure } from '@temporalio/common';
import type { RemediationInput, RemediationResult } from './ec2-remediation';
import { requireInstance, stateOf, tagValue } from './instances';
import { FLEET_TAG } from './tags';

/** The original security groups of a quarantined instance, so a person can put them back. */
export const QUARANTINED_FROM_TAG = 'medic:quarantined-from';
const FORENSICS_TAG = 'medic:forensics-for';
export const quarantineGroupName = (vpcId: string) => `medic-quarantine-${vpcId}`;

const groupsOf = (instance: Instance) => (instance.SecurityGroups ?? []).map((g) => g.GroupId ?? '');

/** Whether the instance sits in its VPC's quarantine group and nothing else. */
export async function isQuarantined(
  ec2: EC2Client,
  instance: Instance,
): Promise<{ isolated: boolean; groupId?: string }> {
  const groupId = await findQuarantineGroup(ec2, instance.VpcId ?? '');
  const groups = groupsOf(instance);
  return {
    isolated: groupId !== undefined && groups.length === 1 && groups[0] === groupId,
    ...(groupId ? { groupId } : {}),
  };
}

async function findQuarantineGroup(ec2: EC2Client, vpcId: string): Promise<string | undefined> {
  const out = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [quarantineGroupName(vpcId)] },
      ],
    }),
  );
  return out.SecurityGroups?.[0]?.GroupId;
}

/** A group with no rules at all: no ingress by default, and its default egress rule revoked. */
async function quarantineGroup(ec2: EC2Client, instance: Instance): Promise<string> {
  const vpcId = instance.VpcId ?? '';
  const existing = await findQuarantineGroup(ec2, vpcId);
  if (existing) return existing;
  const fleet = tagValue(instance, FLEET_TAG);
  const created = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: quarantineGroupName(vpcId),
      Description: 'cloud-medic quarantine: no traffic in or out',
      VpcId: vpcId,
      ...(fleet
        ? {
            TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: FLEET_TAG, Value: fleet }] }],
          }
        : {}),
    }),
  );
  const groupId = created.GroupId ?? '';
  await ec2.send(
    new RevokeSecurityGroupEgressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  return groupId;
}

/**
 * Takes an isolated instance out of its Auto Scaling group, if it is in one, keeping the group's
 * size: the group would otherwise find it unhealthy (its load balancer's checks fail once it can talk
 * to nobody) and terminate the evidence, or pick it for a scale-in. Detaching also deregisters it
 * from the group's target groups, and the group launches a replacement that serves meanwhile.
 * Returns the group's name, or undefined when it was in none (or already detached: a retry).
 */
async function detachFromGroup(
  autoscaling: AutoScalingClient,
  instanceId: string,
): Promise<string | undefined> {
  const out = await autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }));
  const membership = out.AutoScalingInstances?.[0];
  const group = membership?.AutoScalingGroupName;
  if (!group || membership.LifecycleState?.startsWith('Detach')) return undefined;
  await autoscaling.send(
    new DetachInstancesCommand({
      AutoScalingGroupName: group,
      InstanceIds: [instanceId],
      ShouldDecrementDesiredCapacity: false,
    }),
  );
  return group;
}

/**
 * The security agent's answer to a compromised instance: isolate it (its VPC's quarantine group,
 * which allows nothing, replaces all its groups; the originals are recorded in a tag), take it out of
 * its Auto Scaling group so the group neither terminates it nor goes short, and snapshot every
 * volume for forensics. Never terminates. Idempotent: an isolated instance is left as it is, a
 * detached one is not detached again, and volumes already snapshotted for this step are not
 * snapshotted again.
 */
export function createQuarantineActivities(ec2: EC2Client, autoscaling?: AutoScalingClient) {
  async function quarantineInstance(input: RemediationInput): Promise<RemediationResult> {
    const instance = await requireInstance(ec2, input.instanceId);
    const state = stateOf(instance);
    if (state === 'terminated' || state === 'shutting-down')
      throw ApplicationFailure.create({
        type: 'InstanceTerminated',
        message: `Cannot quarantine ${input.instanceId}: it is ${state}`,
        nonRetryable: true,
      });
    if (input.dryRun)
      return {
        instanceId: input.instanceId,
        detail: 'dry run: would isolate it in the quarantine group and snapshot its volumes',
      };
    const original = groupsOf(instance);
    const groupId = await quarantineGroup(ec2, instance);
    if (!tagValue(instance, QUARANTINED_FROM_TAG) && !(original.length === 1 && original[0] === groupId))
      await ec2.send(
        new CreateTagsCommand({
          Resources: [input.instanceId],
          Tags: [{ Key: QUARANTINED_FROM_TAG, Value: original.join(',') }],
        }),
      );
    if (!(original.length === 1 && original[0] === groupId))
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: input.instanceId, Groups: [groupId] }));
    // Isolated already: a group that cannot be left (no permission on it) is said, not retried forever.
    const detached = autoscaling
      ? await detachFromGroup(autoscaling, input.instanceId).then(
          (group) => (group ? `detached from ${group}, which launches a replacement; ` : ''),
          (err: unknown) =>
            `not detached from its Auto Scaling group (${String((err as Error)?.message ?? err)}): the group may replace it; `,
        )
      : '';

    const volumes = (instance.BlockDeviceMappings ?? [])
      .map((m) => m.Ebs?.VolumeId ?? '')
      .filter((v) => v !== '');
    const taken = await ec2.send(
      new DescribeSnapshotsCommand({
        Filters: [{ Name: `tag:${FORENSICS_TAG}`, Values: [input.idempotencyKey] }],
      }),
    );
    const done = new Set((taken.Snapshots ?? []).map((s) => s.VolumeId));
    const snapshots = (taken.Snapshots ?? []).map((s) => s.SnapshotId ?? '');
    for (const volumeId of volumes.filter((v) => !done.has(v))) {
      const snapshot = await ec2.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          Description: `cloud-medic forensics of ${input.instanceId}`,
          TagSpecifications: [
            { ResourceType: 'snapshot', Tags: [{ Key: FORENSICS_TAG, Value: input.idempotencyKey }] },
          ],
        }),
      );
      snapshots.push(snapshot.SnapshotId ?? '');
    }
    return {
      instanceId: input.instanceId,
      detail: `isolated in ${groupId} (was ${original.join(', ') || 'no group'}, recorded in ${QUARANTINED_FROM_TAG}); ${detached}forensic snapshots ${snapshots.join(', ') || 'none (no EBS volumes)'}; not terminated`,
    };
  }
  return { quarantineInstance };
}
