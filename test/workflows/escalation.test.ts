import { createChaos } from '../../activities/chaos';
import type { IncidentReport } from '../../domain/incident';
import { decisionUpdate, incidentStateQuery } from '../../workflows/messages';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';
import { startReceiver } from '../support/receiver';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let h: MedicHarness;
let chaos: ReturnType<typeof createChaos>;

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness('escalation', {
    MEDIC_ESCALATION: 'high=oncall:2s,lead:2s,decline;critical=oncall:2s,act',
    MEDIC_WEBHOOK_URL: `${receiver.url}/hook`,
  });
  chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
}, 120_000);

afterAll(async () => {
  await h?.teardown();
  receiver?.close();
});

/** Notifications as the chat webhook received them, in order: their text, and the whole body for the links. */
const texts = () => receiver.received.map((r) => (r.body as { text: string }).text);
const bodies = () => receiver.received.map((r) => JSON.stringify(r.body));
const about = (incidentId: string) => texts().filter((t) => t.includes(incidentId));

describe('escalation chains per severity', () => {
  test('high: on-call, then the lead, then the safe default (leave it alone)', async () => {
    const instanceId = await h.newInstance('manual');
    await chaos.stopInstance(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('escalated');
    expect(report.actionTaken).toMatch(
      /No decision from oncall, then lead; the high escalation policy's safe default/,
    );
    const messages = about(handle.workflowId);
    expect(messages[0]).toMatch(/^@oncall \[HIGH\] .* needs a decision/);
    expect(messages[1]).toMatch(/^@lead \[HIGH\] .* still needs a decision/);
    // The request for a decision links to where the person decides: the incident in the console.
    const ask = bodies().find((b) => b.includes(handle.workflowId) && b.includes('needs a decision'));
    expect(ask).toContain(
      `http://127.0.0.1:8080/#/incidents/${encodeURIComponent(handle.workflowId)}|Open incident`,
    );
    expect((await h.instance(instanceId))?.State?.Name).toBe('stopped');
  });

  test('a decision during the second level applies', async () => {
    const instanceId = await h.newInstance('manual');
    await chaos.stopInstance(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
    await eventually(
      async () =>
        (await handle.query(incidentStateQuery)).timeline.some((t) =>
          t.message.startsWith('Escalated to lead'),
        )
          ? true
          : undefined,
      20_000,
      'escalation to the lead',
    );
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'lead' }] });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.decision?.by).toBe('lead');
  });

  test('critical: nobody answers and the policy says act, so it heals and says who decided', async () => {
    const instanceId = await h.newInstance('manual');
    await chaos.statusCheckFailed(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'status-check-failed', source: 'test' });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.decision).toMatchObject({ decision: 'approve', by: 'escalation-policy' });
    expect(report.actionTaken).toMatch(/escalation-policy/);
  });
});
