import { CreateSnapshotCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { createRestoreActivities, RESTORE_TAG } from '../../activities/restore';
import type { IncidentReport } from '../../domain/incident';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('restore');
}, 120_000);
afterAll(async () => h?.teardown());

describe('restore from backup', () => {
  test('a data-corrupted incident swaps the root volume for one made from the newest snapshot, keeping the old one', async () => {
    const instanceId = await h.newInstance('auto');
    const before = await h.instance(instanceId);
    const root = before?.BlockDeviceMappings?.find((m) => m.DeviceName === before.RootDeviceName)?.Ebs
      ?.VolumeId;
    expect(root).toBeDefined();
    const backup = await h.aws.ec2.send(
      new CreateSnapshotCommand({ VolumeId: root, Description: 'nightly backup' }),
    );

    const handle = await h.open({
      resourceId: instanceId,
      kind: 'data-corrupted',
      mode: 'auto',
      summary: 'checksum errors on /data',
    });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['restore-from-snapshot', 'succeeded'],
    ]);
    expect(report.actionTaken).toContain(`from ${backup.SnapshotId}`);

    const after = await h.instance(instanceId);
    expect(after?.State?.Name).toBe('running');
    const newRoot = after?.BlockDeviceMappings?.find((m) => m.DeviceName === after.RootDeviceName)?.Ebs
      ?.VolumeId;
    expect(newRoot).toBeDefined();
    expect(newRoot).not.toBe(root);
    const volumes = await h.aws.ec2.send(new DescribeVolumesCommand({ VolumeIds: [root!, newRoot!] }));
    const byId = new Map((volumes.Volumes ?? []).map((v) => [v.VolumeId, v]));
    expect(byId.get(newRoot)?.SnapshotId).toBe(backup.SnapshotId);
    expect(byId.get(root)?.State).toBe('available'); // kept, detached, for a person to inspect

    // The same step again (a retry after a crash) changes nothing more.
    const key = after?.Tags?.find((t) => t.Key === RESTORE_TAG)?.Value?.split(':')[0] ?? '';
    const again = await createRestoreActivities(h.aws.ec2, () => () => {}).restoreFromSnapshot({
      instanceId,
      idempotencyKey: key,
    });
    expect(again.detail).toBe('restore already done for this step');
  }, 120_000);

  test('without a snapshot there is nothing to restore from: the incident fails and says why', async () => {
    const instanceId = await h.newInstance('auto');
    const report = (await (
      await h.open({ resourceId: instanceId, kind: 'data-corrupted', mode: 'auto' })
    ).result()) as IncidentReport;
    expect(report.outcome).toBe('failed');
    expect(report.resolutionProcess[0]?.detail).toMatch(/No completed snapshot of vol-/);
    expect((await h.instance(instanceId))?.State?.Name).toBe('running');
  });
});
