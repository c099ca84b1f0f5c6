import { createChaos } from '../../activities/chaos';
import type { LifecycleEvent } from '../../domain/lifecycle-events';
import type { IncidentReport } from '../../domain/incident';
import { decisionUpdate, incidentStateQuery } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';
import { startReceiver } from '../support/receiver';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let h: MedicHarness;
let json: Receiver;
let bridge: Receiver;
let bridgeCalls = 0;

beforeAll(async () => {
  json = await startReceiver();
  // The bridge refuses each event's first delivery: the retry must get it through.
  const firstSeen = new Set<string>();
  bridge = await startReceiver((_req, body, res) => {
    bridgeCalls++;
    const id = (JSON.parse(body) as { id: string }).id;
    res.statusCode = firstSeen.has(id) ? 200 : 503;
    firstSeen.add(id);
    res.end();
  });
  h = await startHarness('events', {
    MEDIC_EVENT_SINKS: `json=${json.url}/events,eventbridge=${bridge.url}/bridge`,
  });
}, 120_000);

afterAll(async () => {
  await h?.teardown();
  json?.close();
  bridge?.close();
});

const eventsOf = (incidentId: string) =>
  json.received.map((r) => r.body as LifecycleEvent).filter((e) => e.incidentId === incidentId);

describe('incident lifecycle events', () => {
  test('a MANUAL incident emits opened, decision, action and closed, in order, to every sink', async () => {
    const instanceId = await h.newInstance('manual');
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped' });
    await h.stateWhen(handle, 'awaiting_approval');
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'alice' }] });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('resolved');

    const events = eventsOf(handle.workflowId);
    expect(events.map((e) => e.type)).toEqual([
      'incident.opened',
      'incident.decision',
      'incident.action',
      'incident.closed',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(events[1]?.detail).toMatchObject({ decision: 'approve', by: 'alice' });
    expect(Number(events[1]?.detail.waitedSeconds)).toBeGreaterThanOrEqual(0);
    expect(events[2]?.detail).toMatchObject({ action: 'start-instance', outcome: 'succeeded' });
    expect(events[3]).toMatchObject({ status: 'resolved', mode: 'manual', detail: { outcome: 'resolved' } });

    // Every event reached the bridge in EventBridge's shape, each after one refused attempt.
    const bridged = bridge.received
      .map((r) => r.body as { id: string; source: string; 'detail-type': string })
      .filter((b) => events.some((e) => e.id === b.id));
    for (const e of events) expect(bridged.filter((b) => b.id === e.id)).toHaveLength(2);
    expect(new Set(bridged.map((b) => b['detail-type']))).toEqual(
      new Set(['Incident Opened', 'Incident Decision', 'Incident Action', 'Incident Closed']),
    );
    expect(bridged.every((b) => b.source === 'cloud-medic')).toBe(true);
    expect(bridgeCalls).toBeGreaterThanOrEqual(8);
    const { timeline } = await handle.query(incidentStateQuery);
    expect(timeline.some((t) => /not delivered/.test(t.message))).toBe(false);

    const text = await h.metrics.registry.metrics();
    expect(text).toMatch(
      /medic_incidents_closed_total\{outcome="resolved",kind="instance-stopped",agent="self-healing",mode="manual"\} [1-9]/,
    );
    expect(text).toMatch(/medic_approval_wait_seconds_count\{decision="approve"\} [1-9]/);
    expect(text).toMatch(
      /medic_actions_total\{action="start-instance",outcome="succeeded",agent="self-healing"\} [1-9]/,
    );
  });

  test('a sink that is down never holds the incident: it resolves and the timeline says so', async () => {
    json.close();
    const instanceId = await h.newInstance('auto');
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', mode: 'auto' });
    const report: IncidentReport = await handle.result();
    expect(report.outcome).toBe('resolved');
    const { timeline } = await handle.query(incidentStateQuery);
    expect(timeline.map((t) => t.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Event incident.closed not delivered: json sink: webhook unreachable/),
      ]),
    );
  });
});
