import { createChaos } from '../../activities/chaos';
import type { IncidentReport, IncidentRequest, IncidentState } from '../../domain/incident';
import { incidentStateQuery } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';
import { eventually } from '../support/env';

let h: MedicHarness;

beforeAll(async () => {
  h = await startHarness('flap', { MEDIC_FLAP_COOLDOWN: '8s' });
}, 120_000);

afterAll(async () => h?.teardown());

describe('flapping suppression', () => {
  test('the same alert within the cool-down after closing is recorded on the closed incident, not opened anew', async () => {
    const instanceId = await h.newInstance();
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const request: IncidentRequest = {
      resourceId: instanceId,
      kind: 'instance-stopped',
      mode: 'auto',
      source: 'test',
    };
    const first = await h.open(request);
    await h.stateWhen(first, 'resolved');

    // The instance stops again right after the heal: the alert is a repeat, not a new incident.
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const again = await h.open({ ...request, summary: 'stopped again' });
    const runOf = async (handle: typeof first) => (await handle.describe()).runId;
    const firstRun = await runOf(first);
    expect(await runOf(again)).toBe(firstRun);
    // The repeat reaches the closed run as a signal: a query right after it may be answered first.
    const state: IncidentState = await eventually(
      async () => {
        const seen = await again.query(incidentStateQuery);
        return seen.repeatsAfterClose ? seen : undefined;
      },
      15_000,
      'the repeat recorded on the closed incident',
    );
    expect(state.status).toBe('resolved');
    expect(state.repeatsAfterClose).toBe(1);
    expect(state.timeline.at(-1)?.message).toMatch(/came back within the cool-down .* not opened anew/);

    const report = (await first.result()) as IncidentReport;
    expect(report.issueDetected).toMatch(/came back 1 time\(s\) within the cool-down/);
    // Recorded, not acted on: the closed incident did not start the instance a second time.
    expect((await h.instance(instanceId))?.State?.Name).toBe('stopped');

    // After the cool-down the same alert is a new incident.
    const later = await h.open(request);
    expect(await runOf(later)).not.toBe(firstRun);
    await h.stateWhen(later, 'resolved');
  });
});
