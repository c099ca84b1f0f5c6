import { WorkflowNotFoundError } from '@temporalio/client';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { IncidentService } from '../../api/incident-service';
import { dashboardStats } from '../../api/stats';
import { TASK_QUEUES } from '../../domain/config';
import { costAgentWorkflow, costAgentWorkflowId } from '../../workflows/cost-agent';
import { decisionUpdate, stopMonitoringSignal } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('cost');
}, 120_000);
afterAll(async () => h?.teardown());

describe('the cost agent', () => {
  test('proposes stopping an idle instance and down-sizing an oversized one (MANUAL), acts when approved, counts the saving', async () => {
    const fleet = `cost-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 3, manualCount: 0 });
    const [idle, quiet, light] = instances.map((i) => i.instanceId) as [string, string, string];
    // `idle` reports near-zero CPU and traffic for the window; `quiet` reports nothing recent at
    // all, and missing data must never read as idleness.
    await createChaos(h.aws.ec2, h.aws.cloudwatch).idle(idle, 120);
    // `light` is busy (real traffic) but never above 12 % CPU: a smaller type would do.
    await createChaos(h.aws.ec2, h.aws.cloudwatch).lightLoad(light, 120);

    const agent = await h.env.client.workflow.start(costAgentWorkflow, {
      taskQueue: TASK_QUEUES.cost,
      workflowId: costAgentWorkflowId(fleet),
      args: [{ fleet, intervalSeconds: 3600, windowSeconds: 90, periodSeconds: 10 }],
    });
    const incident = h.env.client.workflow.getHandle(`incident-${idle}-instance-idle`);
    const waiting = await h.stateWhen(incident, 'awaiting_approval');
    expect(waiting.mode).toBe('manual');
    expect(waiting.severity).toBe('low');
    expect(waiting.summary).toMatch(
      /idle for 2 min \(CPU at most 0\.\d% and network at most 200 bytes per period\); stopping it saves about \$7\.59 a month \(t3\.micro, on-demand\)/,
    );
    expect(waiting.plan.map((s) => s.action)).toEqual(['stop-instance']);
    await expect(
      h.env.client.workflow.getHandle(`incident-${quiet}-instance-idle`).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);

    await incident.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'finops' }] });
    const resolved = await h.stateWhen(incident, 'resolved');
    expect(resolved.report?.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['stop-instance', 'succeeded'],
    ]);
    expect((await h.instance(idle))?.State?.Name).toBe('stopped');
    expect((await h.instance(quiet))?.State?.Name).toBe('running');

    const stats = dashboardStats({
      temporal: h.env.client,
      incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
      ratings: async () => [],
      limits: { maxConcurrent: 1, maxDestructivePerHour: 10 },
    });
    const figures = await stats();
    expect(figures.costSavedPerMonth).toBeGreaterThanOrEqual(7.59);
    expect(figures.agents.find((a) => a.agent === 'cost')).toMatchObject({ actions: 1, succeeded: 1 });

    const oversized = h.env.client.workflow.getHandle(`incident-${light}-instance-oversized`);
    const proposal = await h.stateWhen(oversized, 'awaiting_approval');
    expect(proposal.summary).toMatch(/CPU at most 12\.0% .*t3\.micro → t3\.nano saves about \$3\.79 a month/);
    await oversized.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'finops' }] });
    await h.stateWhen(oversized, 'resolved');
    expect((await h.instance(light))?.InstanceType).toBe('t3.nano');
    expect((await h.instance(light))?.State?.Name).toBe('running');

    await agent.signal(stopMonitoringSignal);
    expect(await agent.result()).toEqual({ proposed: 2 });
  }, 120_000);
});
