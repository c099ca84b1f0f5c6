import { createChaos } from '../../activities/chaos';
import type { IncidentState } from '../../domain/incident';
import { incidentStateQuery } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;

beforeAll(async () => {
  // One remediation at a time, fleet-wide: every incident queues at the budget.
  h = await startHarness('priority', { MEDIC_MAX_CONCURRENT_REMEDIATIONS: '1' });
}, 120_000);

afterAll(async () => h?.teardown());

const remediatingAt = (state: IncidentState) =>
  Date.parse(state.timeline.find((t) => t.status === 'remediating')?.at ?? 'invalid');

describe('severity priority under load', () => {
  test('a critical incident queued behind six low ones gets the next remediation slot', async () => {
    const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
    const instances = await Promise.all(Array.from({ length: 7 }, () => h.newInstance()));
    await Promise.all(instances.map((id) => chaos.stopInstance(id)));
    const low = [];
    for (const id of instances.slice(0, 6))
      low.push(
        await h.open({
          resourceId: id,
          kind: 'instance-stopped',
          mode: 'auto',
          severity: 'low',
          source: 'load',
        }),
      );
    // The low ones are already waiting for the budget when the critical one arrives.
    await h.stateWhen(low[0], 'verifying');
    const critical = await h.open({
      resourceId: instances[6],
      kind: 'instance-stopped',
      mode: 'auto',
      severity: 'critical',
      source: 'load',
    });
    await Promise.all([...low, critical].map((handle) => handle.result()));
    const lowStarts = await Promise.all(
      low.map(async (l) => remediatingAt(await l.query(incidentStateQuery))),
    );
    const criticalStart = remediatingAt(await critical.query(incidentStateQuery));
    // At most the low incident that held the slot (and one granted in the same instant) went first.
    expect(lowStarts.filter((t) => t < criticalStart).length).toBeLessThanOrEqual(2);
    expect(lowStarts.filter((t) => t > criticalStart).length).toBeGreaterThanOrEqual(4);
  });
});
