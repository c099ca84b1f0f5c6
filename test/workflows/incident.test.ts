import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { AwsClients } from '../../activities';
import { createChaos } from '../../activities/chaos';
import { openOrJoinIncident } from '../../activities/incident-starter';
import type { IncidentKind, IncidentReport, IncidentRequest, IncidentStatus } from '../../domain/incident';
import { decisionUpdate, incidentStateQuery } from '../../workflows/messages';
import { eventually } from '../support/env';
import { saveHistory } from '../support/histories';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
let env: TestWorkflowEnvironment;
let aws: AwsClients;
let chaos: ReturnType<typeof createChaos>;
let rebootCalls = 0;
let failNextReboot = false;

beforeAll(async () => {
  // Wrapping (not replacing) one real activity lets a test make its first attempt fail the way a
  // dropped connection would, to prove the retry policy recovers.
  h = await startHarness('wf', {}, (real) => ({
    ...real,
    rebootInstance: async (input) => {
      rebootCalls++;
      if (failNextReboot) {
        failNextReboot = false;
        throw new Error('connection reset by peer (injected)');
      }
      return real.rebootInstance(input);
    },
  }));
  ({ env, aws } = h);
  chaos = createChaos(aws.ec2, aws.cloudwatch);
}, 120_000);

afterAll(async () => h?.teardown());

const newInstance = (mode: 'auto' | 'manual' = 'auto') => h.newInstance(mode);
const instanceState = async (instanceId: string) => (await h.instance(instanceId))?.State?.Name;

const open = (request: IncidentRequest) => h.open(request);
const waitForStatus = (handle: WorkflowHandle, status: IncidentStatus) => h.stateWhen(handle, status);

describe('incident workflow, AUTO mode', () => {
  test('a failed status check is healed by a reboot and verified', async () => {
    const instanceId = await newInstance();
    await chaos.statusCheckFailed(instanceId);
    const handle = await open({ resourceId: instanceId, kind: 'status-check-failed', mode: 'auto' });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'succeeded'],
    ]);
    expect(report.reason).toMatch(/guest OS/);
    expect(await instanceState(instanceId)).toBe('running');
    await saveHistory(handle, 'auto-status-check-reboot');
  });

  test('a stopped instance is started again', async () => {
    const instanceId = await newInstance();
    await chaos.stopInstance(instanceId);
    expect(await instanceState(instanceId)).toBe('stopped');
    const report: IncidentReport = await (
      await open({ resourceId: instanceId, kind: 'instance-stopped' })
    ).result();
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess[0]?.action).toBe('start-instance');
    expect(await instanceState(instanceId)).toBe('running');
  });

  test('a transient error in a remediation is retried and the incident still heals', async () => {
    const instanceId = await newInstance();
    await chaos.cpuSpike(instanceId);
    failNextReboot = true;
    const before = rebootCalls;
    const handle = await open({ resourceId: instanceId, kind: 'cpu-high', mode: 'auto' });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('resolved');
    expect(rebootCalls - before).toBe(2);
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.attempt)
      .filter((a) => a !== undefined && a !== null);
    expect(Math.max(...attempts)).toBe(2);
  });

  test('when verification of a step fails, the next step of the plan runs', async () => {
    const instanceId = await newInstance();
    await chaos.statusCheckFailed(instanceId);
    const handle = await open({ resourceId: instanceId, kind: 'status-check-failed', mode: 'auto' });
    // A fault on the host: a reboot does not clear it (the datapoints keep coming), moving the
    // instance to new hardware does. The stop-start marks the instance before it stops it.
    // The publisher runs flat out so that, even on a loaded machine, a failing datapoint lands
    // inside every verification interval until the host moves; it stops when the incident ends.
    let movedHost = false;
    let finished = false;
    const outcome = handle.result().finally(() => (finished = true));
    const hostFault = (async () => {
      while (!movedHost && !finished) {
        const observedAt = new Date();
        const out = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
        movedHost = (out.Reservations?.[0]?.Instances?.[0]?.Tags ?? []).some(
          (t) => t.Key === 'medic:pending-operation',
        );
        // Dated when the fault was seen, so the datapoint can never postdate the move.
        if (!movedHost) await chaos.statusCheckFailed(instanceId, observedAt);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const report: IncidentReport = await outcome;
    await hostFault;
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'not-verified'],
      ['stop-start-instance', 'succeeded'],
    ]);
    expect(report.reason).toMatch(/healthy hardware/);
  });

  test('an instance that does not exist ends failed, with the reason', async () => {
    const report: IncidentReport = await (
      await open({ resourceId: 'i-0000000000000dead', kind: 'instance-stopped' })
    ).result();
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/does not exist/);
    // The why is said once, in the reason; the action taken is how it ended.
    expect(report.actionTaken).toBe('Nothing could be done here; no change was made to the resource.');
    expect(report.resolutionProcess).toEqual([]);
  });
});

describe('incident workflow, MANUAL mode', () => {
  async function awaitingDecision(kind: IncidentKind = 'instance-stopped') {
    const instanceId = await newInstance('manual');
    await chaos.stopInstance(instanceId);
    const handle = await open({ resourceId: instanceId, kind });
    await waitForStatus(handle, 'awaiting_approval');
    const state = await handle.query(incidentStateQuery);
    expect(state.mode).toBe('manual');
    return { instanceId, handle };
  }

  test('approve: the remediation runs and each step is recorded', async () => {
    const { instanceId, handle } = await awaitingDecision();
    const ack = await handle.executeUpdate(decisionUpdate, {
      args: [{ decision: 'approve', by: 'alice', reason: 'go ahead' }],
    });
    expect(ack).toEqual({ accepted: true, status: 'remediating' });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('resolved');
    expect(report.decision).toMatchObject({ decision: 'approve', by: 'alice', reason: 'go ahead' });
    expect(report.resolutionProcess[0]).toMatchObject({ action: 'start-instance', outcome: 'succeeded' });
    expect(await instanceState(instanceId)).toBe('running');
    await saveHistory(handle, 'manual-approve-start');
  });

  test('decline: nothing is touched', async () => {
    const { instanceId, handle } = await awaitingDecision();
    await handle.executeUpdate(decisionUpdate, {
      args: [{ decision: 'decline', by: 'bob', reason: 'maintenance window' }],
    });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('declined');
    expect(report.resolutionProcess).toEqual([]);
    expect(report.actionTaken).toMatch(/Declined by bob/);
    expect(await instanceState(instanceId)).toBe('stopped');
  });

  test('manual: the person takes over and the report says so', async () => {
    const { instanceId, handle } = await awaitingDecision();
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'manual', by: 'carol' }] });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('manual');
    expect(report.actionTaken).toMatch(/carol is handling it by hand/);
    expect(await instanceState(instanceId)).toBe('stopped');
  });

  test('a second decision is rejected and changes nothing', async () => {
    const { handle } = await awaitingDecision();
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'bob' }] });
    await expect(
      handle.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'mallory' }] }),
    ).rejects.toThrow();
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('declined');
    expect(report.decision?.by).toBe('bob');
  });

  test('no decision within the approval timeout escalates without acting', async () => {
    const instanceId = await newInstance('manual');
    await chaos.stopInstance(instanceId);
    const handle = await open({ resourceId: instanceId, kind: 'instance-stopped', approvalTimeout: '2s' });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('escalated');
    expect(report.actionTaken).toMatch(/No decision within 2s/);
    expect(await instanceState(instanceId)).toBe('stopped');
  });

  test('an explicit mode in the request wins over the resource tag', async () => {
    const instanceId = await newInstance('manual');
    await chaos.stopInstance(instanceId);
    const report: IncidentReport = await (
      await open({ resourceId: instanceId, kind: 'instance-stopped', mode: 'auto' })
    ).result();
    expect(report.outcome).toBe('resolved');
  });
});

describe('dedup of repeat alerts', () => {
  test('a repeat alert for an open incident joins it instead of opening a second one', async () => {
    const instanceId = await newInstance('manual');
    await chaos.stopInstance(instanceId);
    const first = await openOrJoinIncident(env.client, {
      resourceId: instanceId,
      kind: 'instance-stopped',
      source: 'test',
    });
    const second = await openOrJoinIncident(env.client, {
      resourceId: instanceId,
      kind: 'instance-stopped',
      source: 'test',
      summary: 'again',
    });
    expect(first.created).toBe(true);
    expect(second).toEqual({ incidentId: first.incidentId, runId: first.runId, created: false });
    const handle = env.client.workflow.getHandle(first.incidentId);
    await waitForStatus(handle, 'awaiting_approval');
    expect((await handle.query(incidentStateQuery)).alerts.map((a) => a.summary)).toContain('again');
    const open = await env.client.workflow.count(
      `WorkflowId = '${first.incidentId}' AND ExecutionStatus = 'Running'`,
    );
    expect(open.count).toBe(1);
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'test' }] });
    await handle.result();
  });

  test('alerts grouped at ingestion count as many as they stand for, whether they open or join', async () => {
    const instanceId = await newInstance('manual');
    await chaos.stopInstance(instanceId);
    const request = { resourceId: instanceId, kind: 'instance-stopped' as const, source: 'storm' };
    const opened = await openOrJoinIncident(env.client, request, 250);
    expect(opened.created).toBe(true);
    const joined = await openOrJoinIncident(env.client, request, 50);
    expect(joined).toMatchObject({ created: false, incidentId: opened.incidentId });
    const handle = env.client.workflow.getHandle(opened.incidentId);
    await waitForStatus(handle, 'awaiting_approval');
    // Signals are applied in order before the workflow's next task: the count settles at exactly 300.
    await eventually(
      async () => ((await handle.query(incidentStateQuery)).alertCount === 300 ? true : undefined),
      10_000,
      '300 alerts',
    );
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'test' }] });
    await handle.result();
  });
});

describe('alert storms', () => {
  test('hundreds of repeat alerts join one incident and keep its timeline bounded', async () => {
    const instanceId = await newInstance('manual');
    await chaos.stopInstance(instanceId);
    const first = await openOrJoinIncident(env.client, {
      resourceId: instanceId,
      kind: 'instance-stopped',
      source: 'storm',
    });
    const handle = env.client.workflow.getHandle(first.incidentId);
    await waitForStatus(handle, 'awaiting_approval');
    const joins = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        openOrJoinIncident(env.client, {
          resourceId: instanceId,
          kind: 'instance-stopped',
          source: 'storm',
          summary: `alert ${i}`,
        }),
      ),
    );
    expect(joins.every((j) => !j.created && j.incidentId === first.incidentId)).toBe(true);
    const state = await handle.query(incidentStateQuery);
    expect(state.alerts.length).toBeLessThanOrEqual(20);
    expect(state.timeline.filter((t) => t.message.startsWith('Repeat alert')).length).toBeLessThanOrEqual(25);
    expect(
      state.timeline.some((t) => t.message.includes('(301 in all)') || t.message.includes('(300 in all)')),
    ).toBe(true);
    expect((await env.client.workflow.count(`WorkflowId = '${first.incidentId}'`)).count).toBe(1);
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'test' }] });
    await handle.result();
  });
});
