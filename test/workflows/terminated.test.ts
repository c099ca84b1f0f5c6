import { DescribeInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { createFleet } from '../../activities/fleet';
import { FLEET_TAG } from '../../activities/tags';
import { incidentWorkflowId } from '../../domain/ids';
import type { IncidentReport } from '../../domain/incident';
import { stopMonitoringSignal } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('terminated');
}, 120_000);
afterAll(async () => h?.teardown());

describe('a fleet member terminated behind our back', () => {
  test('is noticed by the monitor and replaced from its launch template, once', async () => {
    const fleet = `gone-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const instanceId = instances[0].instanceId;
    await h.aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(instanceId, 'instance-terminated'));
      const state = await h.stateWhen(incident, 'resolved');
      expect(state.plan.map((s) => s.action)).toEqual(['replace-instance']);
      const report = (await incident.result()) as IncidentReport;
      const replacement = report.finalResourceId;
      expect(replacement).toMatch(/^i-/);
      expect(replacement).not.toBe(instanceId);
      const members = await h.aws.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${FLEET_TAG}`, Values: [fleet] },
            { Name: 'instance-state-name', Values: ['running'] },
          ],
        }),
      );
      expect(members.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([
        replacement,
      ]);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);
});
