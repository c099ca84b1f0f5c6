import type { IncidentReport } from '../../domain/incident';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  // Verification of idle stops is made to fail, the way an instance restarted by something else
  // would look; everything else is the real activity against the emulator.
  h = await startHarness('saga', {}, (real) => ({
    ...real,
    checkHealth: async (input) =>
      input.kind === 'instance-idle'
        ? { healthy: false, detail: `${input.instanceId} is running again (injected)` }
        : real.checkHealth(input),
  }));
}, 120_000);
afterAll(async () => h?.teardown());

describe('the saga', () => {
  test('a plan that never verifies is undone newest first by its catalogue compensations, then escalated', async () => {
    const instanceId = await h.newInstance('auto');
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-idle', mode: 'auto' });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('escalated');
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['stop-instance', 'not-verified'],
      ['start-instance', 'succeeded'],
    ]);
    expect(report.actionTaken).toMatch(/undid stop-instance by start-instance and escalated to a person/);
    expect((await h.instance(instanceId))?.State?.Name).toBe('running');
  }, 120_000);
});
