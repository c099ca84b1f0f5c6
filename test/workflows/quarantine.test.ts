import { DescribeSecurityGroupsCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { createQuarantineActivities, QUARANTINED_FROM_TAG } from '../../activities/quarantine';
import type { IncidentReport } from '../../domain/incident';
import { startHarness, type MedicHarness } from '../support/harness';
import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { createFleetGroup, desiredCapacity, groupMembers } from '../support/groups';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('quarantine');
}, 120_000);
afterAll(async () => h?.teardown());

/** GuardDuty reports the instance compromised, in AUTO mode: the incident's report. */
async function reportedCompromised(resourceId: string): Promise<IncidentReport> {
  const handle = await h.open({
    resourceId,
    kind: 'instance-compromised',
    mode: 'auto',
    summary: 'GuardDuty: outbound traffic to a known command-and-control host',
  });
  return (await handle.result()) as IncidentReport;
}

describe('a compromised instance', () => {
  test('is isolated in a group that allows nothing, its volumes are snapshotted, and it is not terminated', async () => {
    const instanceId = await h.newInstance('auto');
    const before = await h.instance(instanceId);
    const originalGroups = (before?.SecurityGroups ?? []).map((g) => g.GroupId);
    const report = await reportedCompromised(instanceId);
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['quarantine-instance', 'succeeded'],
    ]);
    expect(report.actionTaken).toMatch(/not terminated/);

    const after = await h.instance(instanceId);
    expect(after?.State?.Name).toBe('running');
    const groups = (after?.SecurityGroups ?? []).map((g) => g.GroupId ?? '');
    expect(groups).toHaveLength(1);
    const quarantine = (await h.aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups })))
      .SecurityGroups?.[0];
    expect(quarantine?.GroupName).toMatch(/^medic-quarantine-vpc-/);
    expect(quarantine?.IpPermissions ?? []).toEqual([]);
    expect(quarantine?.IpPermissionsEgress ?? []).toEqual([]);
    expect(after?.Tags?.find((t) => t.Key === QUARANTINED_FROM_TAG)?.Value).toBe(originalGroups.join(','));
    const volumes = (after?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId);
    expect(volumes.length).toBeGreaterThan(0);
    const snapshots = await h.aws.ec2.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: 'volume-id', Values: volumes.map(String) }] }),
    );
    expect(snapshots.Snapshots?.length).toBe(volumes.length);

    // Running the step again (a retry after a crash) changes nothing more.
    const step = createQuarantineActivities(h.aws.ec2).quarantineInstance;
    const key = (
      await h.aws.ec2.send(
        new DescribeSnapshotsCommand({ SnapshotIds: [snapshots.Snapshots![0].SnapshotId!] }),
      )
    ).Snapshots![0].Tags!.find((t) => t.Key === 'medic:forensics-for')!.Value!;
    await step({ instanceId, idempotencyKey: key });
    const again = await h.aws.ec2.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: 'volume-id', Values: volumes.map(String) }] }),
    );
    expect(again.Snapshots?.length).toBe(volumes.length);
    expect((await h.instance(instanceId))?.Tags?.find((t) => t.Key === QUARANTINED_FROM_TAG)?.Value).toBe(
      originalGroups.join(','),
    );
  });

  test('in an Auto Scaling group it is also taken out of the group, which keeps its size with a replacement', async () => {
    const group = await createFleetGroup(h.aws, `quarantine-asg-${process.pid}`, {
      min: 1,
      max: 3,
      desired: 2,
    });
    const [member] = await groupMembers(h.aws, group, 2);
    const report = await reportedCompromised(member);
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess[0]?.detail).toMatch(
      new RegExp(`detached from ${group}, which launches a replacement; forensic snapshots`),
    );
    // Out of the group (which would otherwise terminate the evidence once its checks fail), still running.
    const membership = await h.aws.autoscaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [member] }),
    );
    expect(membership.AutoScalingInstances ?? []).toEqual([]);
    expect((await h.instance(member))?.State?.Name).toBe('running');
    expect(await desiredCapacity(h.aws, group)).toBe(2);
    const members = await groupMembers(h.aws, group, 2);
    expect(members).not.toContain(member);
  });
});
