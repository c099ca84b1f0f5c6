import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AwsClients } from '../../activities';
import { createChaos } from '../../activities/chaos';
import type { IncidentReport, IncidentRequest } from '../../domain/incident';
import { budgetStateQuery, decisionUpdate, releaseLeaseSignal } from '../../workflows/messages';
import { REMEDIATION_BUDGET_WORKFLOW_ID } from '../../workflows/remediation-budget';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
let env: TestWorkflowEnvironment;
let aws: AwsClients;
let chaos: ReturnType<typeof createChaos>;

beforeAll(async () => {
  h = await startHarness('guard', { MEDIC_CIRCUIT_BREAKER_THRESHOLD: '2', MEDIC_LEASE_WAIT: '6s' });
  ({ env, aws } = h);
  chaos = createChaos(aws.ec2, aws.cloudwatch);
}, 120_000);

afterAll(async () => h?.teardown());

const newInstance = () => h.newInstance();
const instance = (instanceId: string) => h.instance(instanceId);

async function run(request: IncidentRequest): Promise<IncidentReport> {
  return (await h.open(request)).result() as Promise<IncidentReport>;
}

describe('guardrails', () => {
  test('a resource tagged medic:protect=true waits for a person even when AUTO was asked for', async () => {
    const instanceId = await newInstance();
    await aws.ec2.send(
      new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'medic:protect', Value: 'true' }] }),
    );
    await chaos.stopInstance(instanceId);
    const handle = await h.open({
      resourceId: instanceId,
      kind: 'instance-stopped',
      mode: 'auto',
    });
    const state = await h.stateWhen(handle, 'awaiting_approval');
    expect(state.mode).toBe('manual');
    expect(state.timeline.map((t) => t.message).join('\n')).toContain('tagged medic:protect=true');
    expect((await instance(instanceId))?.State?.Name).toBe('stopped');
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'test' }] });
    await handle.result();
  });

  test('a dry run plans, asks EC2 whether each step would be permitted, and changes nothing', async () => {
    const instanceId = await newInstance();
    await chaos.statusCheckFailed(instanceId);
    const report = await run({
      resourceId: instanceId,
      kind: 'status-check-failed',
      mode: 'auto',
      dryRun: true,
    });
    expect(report.outcome).toBe('dry_run');
    expect(report.dryRun).toBe(true);
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'dry-run'],
      ['stop-start-instance', 'dry-run'],
      ['replace-instance', 'dry-run'],
    ]);
    for (const step of report.resolutionProcess)
      expect(step.detail).toMatch(/EC2 confirms .* would be permitted; nothing changed/);
    expect(report.actionTaken).toMatch(/Dry run: nothing was changed/);
    const after = await instance(instanceId);
    expect(after?.State?.Name).toBe('running');
    expect(
      after?.Tags?.some((t) =>
        ['medic:last-operation', 'medic:pending-operation', 'medic:reboot-issued'].includes(t.Key ?? ''),
      ),
    ).toBe(false);
  });

  test('a resource that keeps failing opens its circuit breaker: the next incident waits for a person', async () => {
    const instanceId = await newInstance();
    for (let i = 0; i < 2; i++) {
      await chaos.cpuSpike(instanceId);
      expect((await run({ resourceId: instanceId, kind: 'cpu-high', mode: 'auto' })).outcome).toBe(
        'resolved',
      );
    }
    await chaos.cpuSpike(instanceId);
    const handle = await h.open({
      resourceId: instanceId,
      kind: 'cpu-high',
      mode: 'auto',
    });
    const state = await h.stateWhen(handle, 'awaiting_approval');
    expect(state.timeline.map((t) => t.message).join('\n')).toMatch(
      /circuit breaker open: 2 incidents closed on this resource/,
    );
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'manual', by: 'test' }] });
    await handle.result();
  });

  test('the blast-radius budget runs one remediation step at a time across incidents', async () => {
    const [a, b] = [await newInstance(), await newInstance()];
    await Promise.all([chaos.statusCheckFailed(a), chaos.statusCheckFailed(b)]);
    const [ra, rb] = await Promise.all([
      run({ resourceId: a, kind: 'status-check-failed', mode: 'auto' }),
      run({ resourceId: b, kind: 'status-check-failed', mode: 'auto' }),
    ]);
    expect([ra.outcome, rb.outcome]).toEqual(['resolved', 'resolved']);
    const [first, second] = [ra.resolutionProcess[0], rb.resolutionProcess[0]].sort((x, y) =>
      x.startedAt.localeCompare(y.startedAt),
    );
    expect(second.startedAt >= (first.finishedAt ?? '')).toBe(true);
    const budget = env.client.workflow.getHandle(REMEDIATION_BUDGET_WORKFLOW_ID);
    expect((await budget.query(budgetStateQuery)).active).toEqual([]);
  });

  test('an incident that cannot get a slot within the lease wait escalates without acting', async () => {
    const [holder, waiter] = [await newInstance(), await newInstance()];
    await Promise.all([chaos.statusCheckFailed(holder), chaos.stopInstance(waiter)]);
    // The holder's fault persists, so its first step keeps the only slot through a 10 s verification.
    let done = false;
    const fault = (async () => {
      while (!done) {
        await chaos.statusCheckFailed(holder).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const holderHandle = await h.open({ resourceId: holder, kind: 'status-check-failed', mode: 'auto' });
    await h.stateWhen(holderHandle, 'verifying');
    const report = await run({ resourceId: waiter, kind: 'instance-stopped', mode: 'auto' });
    done = true;
    await fault;
    expect(report.outcome).toBe('escalated');
    expect(report.actionTaken).toMatch(/No remediation slot within 6s/);
    expect((await instance(waiter))?.State?.Name).toBe('stopped');
    await holderHandle.terminate('test over');
    // A terminated incident cannot release its lease; an operator (here the test) hands it back.
    const budget = env.client.workflow.getHandle(REMEDIATION_BUDGET_WORKFLOW_ID);
    for (const lease of (await budget.query(budgetStateQuery)).active)
      await budget.signal(releaseLeaseSignal, lease.leaseId);
    await eventually(async () =>
      (await budget.query(budgetStateQuery)).active.length === 0 ? true : undefined,
    );
  });
});
