import { createChaos } from '../../activities/chaos';
import type { IncidentState } from '../../domain/incident';
import { incidentStateQuery } from '../../workflows/messages';
import { eventually } from '../support/env';
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
    const low: Awaited<ReturnType<MedicHarness['open']>>[] = [];
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
    // The critical one arrives once a low one holds the slot and the others wait behind it.
    await eventually(
      async () => {
        const states = await Promise.all(low.map((l) => l.query(incidentStateQuery)));
        return states.some((st) => st.status === 'remediating' || st.status === 'verifying')
          ? true
          : undefined;
      },
      30_000,
      'a low incident holding the slot',
    );
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
    const criticalState = await critical.query(incidentStateQuery);
    const criticalAsked = Date.parse(
      criticalState.timeline.find((t) => t.message.includes('asking the fleet-wide blast-radius budget'))
        ?.at ?? 'invalid',
    );
    const criticalStart = remediatingAt(criticalState);
    // Once the critical incident asked, no low one may take a slot before it (one racing its
    // request signal at most); and the queue was real: low ones were still waiting behind it.
    expect(lowStarts.filter((t) => t > criticalAsked && t < criticalStart).length).toBeLessThanOrEqual(1);
    expect(lowStarts.filter((t) => t > criticalStart).length).toBeGreaterThanOrEqual(2);
  });
});
