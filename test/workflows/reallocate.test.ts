import { createChaos } from '../../activities/chaos';
import { createEc2Remediations } from '../../activities/ec2-remediation';
import type { IncidentReport } from '../../domain/incident';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('reallocate');
}, 120_000);
afterAll(async () => h?.teardown());

describe('reallocation of a starved instance', () => {
  test('CPU hot again after a healed cpu-high: the second incident resizes one size up, once', async () => {
    const instanceId = await h.newInstance('auto');
    const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
    expect((await h.instance(instanceId))?.InstanceType).toBe('t3.micro');

    await chaos.cpuSpike(instanceId);
    const first = (await (
      await h.open({ resourceId: instanceId, kind: 'cpu-high', mode: 'auto' })
    ).result()) as IncidentReport;
    expect(first.resolutionProcess.map((s) => s.action)).toEqual(['reboot-instance']);

    await chaos.cpuSpike(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'cpu-high', mode: 'auto' });
    const second = (await handle.result()) as IncidentReport;
    expect(second.outcome).toBe('resolved');
    expect(second.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['resize-instance', 'succeeded'],
    ]);
    expect(second.reason).toMatch(
      /after 1 cpu-high incident\(s\) in the last hour: the instance is starved, so t3\.micro becomes t3\.small/,
    );
    const after = await h.instance(instanceId);
    expect(after?.InstanceType).toBe('t3.small');
    expect(after?.State?.Name).toBe('running');

    // The same step run again (a retry after a crash) does not resize a second time.
    const key = after?.Tags?.find((t) => t.Key === 'medic:last-operation')?.Value ?? '';
    const again = await createEc2Remediations(h.aws.ec2, () => () => {}).resizeInstance({
      instanceId,
      idempotencyKey: key,
    });
    expect(again.detail).toBe('resize already done for this step');
    expect((await h.instance(instanceId))?.InstanceType).toBe('t3.small');
  }, 120_000);
});
