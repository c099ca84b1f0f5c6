import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createChaos } from '../../activities/chaos';
import type { Decision, IncidentReport } from '../../domain/incident';
import { DECISION_REFUSED, decisionUpdate, incidentStateQuery } from '../../workflows/messages';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
let chaos: ReturnType<typeof createChaos>;

beforeAll(async () => {
  h = await startHarness('quorum', { MEDIC_QUORUM: 'start-instance=2' });
  chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
}, 120_000);

afterAll(async () => h?.teardown());

type Handle = Awaited<ReturnType<MedicHarness['open']>>;
const decide = (handle: Handle, decision: Decision) =>
  handle.executeUpdate(decisionUpdate, { args: [decision] });
async function refusal(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
  expect(cause.type).toBe(DECISION_REFUSED);
  return cause.message;
}

describe('quorum approvals bound to the plan hash', () => {
  test('a start needs two distinct approvers who name the plan they saw', async () => {
    const instanceId = await h.newInstance('manual');
    await chaos.stopInstance(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
    const waiting = await h.stateWhen(handle, 'awaiting_approval');
    expect(waiting.approvalsRequired).toBe(2);
    const hash = waiting.planHash as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await refusal(decide(handle, { decision: 'approve', by: 'ana' }))).toMatch(/needs 2 approvers/);
    expect(
      await decide(handle, { decision: 'approve', by: 'ana', planHash: hash, reason: 'seen it' }),
    ).toEqual({
      accepted: true,
      status: 'awaiting_approval',
      approvals: 1,
      required: 2,
    });
    expect(await refusal(decide(handle, { decision: 'approve', by: 'Ana', planHash: hash }))).toMatch(
      /already approved/,
    );
    expect(
      await refusal(decide(handle, { decision: 'approve', by: 'bo', planHash: 'f'.repeat(64) })),
    ).toMatch(/plan changed/);
    expect((await handle.query(incidentStateQuery)).status).toBe('awaiting_approval');

    await decide(handle, { decision: 'approve', by: 'bo', planHash: hash });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.actionTaken).toMatch(/approve by ana, bo \(2 of 2, plan [0-9a-f]{12}\)/);
  });

  test('a plan that changes after approval invalidates the approvals and asks again', async () => {
    const instanceId = await h.newInstance('manual');
    await chaos.statusCheckFailed(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'status-check-failed', source: 'test' });
    const first = await h.stateWhen(handle, 'awaiting_approval');
    expect(first.plan[0]?.action).toBe('reboot-instance');
    expect(first.approvalsRequired).toBe(1);

    // While the approver reads the plan, the instance stops: the approved reboot no longer fits.
    await chaos.stopInstance(instanceId);
    await decide(handle, { decision: 'approve', by: 'ana', planHash: first.planHash });
    const second = await eventually(
      async () => {
        const s = await handle.query(incidentStateQuery);
        return s.status === 'awaiting_approval' && s.planHash !== first.planHash ? s : undefined;
      },
      30_000,
      'a new plan awaiting approval',
    );
    expect(second.plan[0]?.action).toBe('start-instance');
    expect(second.approvalsRequired).toBe(2);
    expect(second.approvals).toEqual([]);
    expect(second.timeline.some((t) => /1 approval\(s\) no longer count/.test(t.message))).toBe(true);

    expect(
      await refusal(decide(handle, { decision: 'approve', by: 'bo', planHash: first.planHash })),
    ).toMatch(/plan changed/);
    await decide(handle, { decision: 'approve', by: 'ana', planHash: second.planHash });
    await decide(handle, { decision: 'approve', by: 'bo', planHash: second.planHash });
    expect(((await handle.result()) as IncidentReport).outcome).toBe('resolved');
    expect((await h.instance(instanceId))?.State?.Name).toBe('running');
  });
});
