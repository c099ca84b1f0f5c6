import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { TASK_QUEUES } from '../../domain/config';
import { fleetMonitorWorkflowId, incidentWorkflowId } from '../../domain/ids';
import type { IncidentReport } from '../../domain/incident';
import type { fleetMonitorWorkflow } from '../../workflows/fleet-monitor';
import { stopMonitoringSignal } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('latency');
}, 120_000);
afterAll(async () => h?.teardown());

describe('high latency on one instance', () => {
  test('the monitoring agent sees p99 latency above its threshold and the incident restarts the instance', async () => {
    const fleet = `latency-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const instanceId = instances[0].instanceId;
    await createChaos(h.aws.ec2, h.aws.cloudwatch).latency(instanceId);
    const monitor = await h.env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
      workflowId: fleetMonitorWorkflowId(fleet),
      taskQueue: TASK_QUEUES.monitoring,
      args: [{ fleet, intervalSeconds: 1 }],
    });
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(instanceId, 'latency-high'));
      const opened = await h.stateWhen(incident, 'resolved');
      expect(opened.severity).toBe('high');
      expect(opened.summary).toMatch(
        /p99 latency averaged 2200 ms over its last 3 datapoints \(threshold 1000 ms\)/,
      );
      // The coordinator delegated it: the incident is a child of the fleet's monitor.
      expect((await incident.describe()).parentExecution?.workflowId).toBe(fleetMonitorWorkflowId(fleet));
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['reboot-instance', 'succeeded'],
      ]);
      expect(report.reason).toMatch(/leaking or wedged process/);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 90_000);
});
