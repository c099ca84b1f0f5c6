import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { fleetMonitorWorkflowId, incidentWorkflowId } from '../../domain/ids';
import type { IncidentReport } from '../../domain/incident';
import { stopMonitoringSignal } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { eventually } from '../support/env';
import { createFleetGroup, desiredCapacity } from '../support/groups';

let h: MedicHarness;
/** Instances whose latency stays high after a restart (the app, not the host, is overloaded). */
const slowAfterRestart = new Set<string>();
let healthChecks = 0;
beforeAll(async () => {
  h = await startHarness('latency', {}, (real) => ({
    ...real,
    checkHealth: async (input) => {
      if (input.kind === 'latency-high' && slowAfterRestart.has(input.instanceId)) {
        healthChecks++;
        return { healthy: false, detail: 'p99 latency still 2400 ms (injected)' };
      }
      return real.checkHealth(input);
    },
  }));
}, 120_000);
afterAll(async () => h?.teardown());

describe('high latency on one instance', () => {
  test('the monitoring agent sees p99 latency above its threshold and the incident restarts the instance', async () => {
    const fleet = `latency-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const instanceId = instances[0].instanceId;
    await createChaos(h.aws.ec2, h.aws.cloudwatch).latency(instanceId);
    const monitor = await h.startMonitor(fleet);
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
  });
});

describe('high latency in an Auto Scaling group', () => {
  test('a restart that does not help is followed by one more instance in the group, within its maximum', async () => {
    const group = await createFleetGroup(h.aws, `lat-asg-${process.pid}`, { min: 1, max: 3, desired: 2 });
    const members = await eventually(
      async () => {
        const out = await h.aws.autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
        );
        const ids = out.AutoScalingGroups?.[0]?.Instances?.map((i) => i.InstanceId ?? '') ?? [];
        return ids.length === 2 ? ids : undefined;
      },
      20_000,
      'the group to launch its instances',
    );
    const slow = members[0];
    slowAfterRestart.add(slow);
    const handle = await h.open({
      resourceId: slow,
      kind: 'latency-high',
      mode: 'auto',
      summary: 'p99 2400 ms',
    });
    // The restart is tried and does not verify; then the group grows; the latency is then fine.
    await eventually(
      async () => ((await desiredCapacity(h.aws, group)) === 3 ? true : undefined),
      60_000,
      'the scale-out',
    );
    slowAfterRestart.delete(slow);
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'not-verified'],
      ['scale-out-group', 'succeeded'],
    ]);
    expect(healthChecks).toBeGreaterThan(0);
    expect(await desiredCapacity(h.aws, group)).toBe(3);
  }, 120_000);
});
