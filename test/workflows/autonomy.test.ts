import { createChaos } from '../../activities/chaos';
import type { IncidentReport } from '../../domain/incident';
import { AUTONOMY_POLICY_WORKFLOW_ID, autonomyStateQuery } from '../../workflows/autonomy-policy';
import { decisionUpdate } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;

beforeAll(async () => {
  h = await startHarness('autonomy', {
    MEDIC_AUTONOMY: 'start-instance=manual',
    MEDIC_AUTONOMY_PROMOTE_AFTER: '2',
  });
}, 120_000);

afterAll(async () => h?.teardown());

/** A stopped instance (tagged AUTO, like every emulated fleet member) and its incident, mode left to policy. */
async function stoppedInstanceIncident() {
  const instanceId = await h.newInstance('auto');
  await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
  return h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
}

describe('progressive autonomy', () => {
  test('a MANUAL action type becomes AUTO after two approved successes, with its history visible', async () => {
    for (let n = 1; n <= 2; n++) {
      const handle = await stoppedInstanceIncident();
      const waiting = await h.stateWhen(handle, 'awaiting_approval');
      expect(waiting.mode).toBe('manual');
      expect(waiting.timeline.some((t) => t.message.includes('MANUAL by policy'))).toBe(true);
      await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: `approver-${n}` }] });
      expect(((await handle.result()) as IncidentReport).outcome).toBe('resolved');
    }
    const policy = await h.env.client.workflow
      .getHandle(AUTONOMY_POLICY_WORKFLOW_ID)
      .query(autonomyStateQuery);
    expect(policy.actions['start-instance']).toMatchObject({ mode: 'auto', approvedSuccessStreak: 2 });
    expect(policy.actions['start-instance']?.history.map((e) => e.event)).toEqual([
      'approved-success',
      'approved-success',
      'promoted',
    ]);

    const third = await stoppedInstanceIncident();
    const report = (await third.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.decision).toBeUndefined();
    const after = await h.env.client.workflow
      .getHandle(AUTONOMY_POLICY_WORKFLOW_ID)
      .query(autonomyStateQuery);
    expect(after.actions['start-instance']?.history.at(-1)?.event).toBe('auto-success');
  });

  test('an explicit mode on the request still wins over the policy', async () => {
    const instanceId = await h.newInstance('auto');
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const handle = await h.open({
      resourceId: instanceId,
      kind: 'instance-stopped',
      mode: 'manual',
      source: 'test',
    });
    expect((await h.stateWhen(handle, 'awaiting_approval')).mode).toBe('manual');
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'test' }] });
    await handle.result();
  });
});
