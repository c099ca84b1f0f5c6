import { TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createBalancerChaos } from '../../activities/balancer-chaos';
import { readBalancerViews, type BalancingClients } from '../../activities/balancer-view';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createDetectionActivities } from '../../activities/detection';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { createChaos, exfiltrationFlows } from '../../activities/chaos';
import { evidenceReader } from '../../api/evidence';
import { IncidentService } from '../../api/incident-service';
import { temporalMonitors } from '../../api/monitors';
import { createFleet } from '../../activities/fleet';
import { incidentWorkflowId } from '../../domain/ids';
import type { IncidentReport } from '../../domain/incident';
import { QUARANTINED_FROM_TAG } from '../../activities/quarantine';
import { AUTOSCALING_GROUP_TAG } from '../../activities/tags';
import { decisionUpdate, incidentStateQuery, stopMonitoringSignal } from '../../workflows/messages';
import { testConfig } from '../support/env';
import { createFleetGroup, desiredCapacity, groupMembers } from '../support/groups';
import { createNetwork, putGroupBehindBalancer } from '../../activities/fleet-balancer';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
const TRUSTED_RANGE = '192.0.2.0/28';
beforeAll(async () => {
  // The operator trusts a backup range (decision 0060); the leak in the first egress test goes elsewhere.
  h = await startHarness('traffic-surge', {
    MEDIC_TRUSTED_EGRESS: `backup=${TRUSTED_RANGE}`,
    MEDIC_TRUSTED_EGRESS_RECHECK_SECONDS: '1',
    MEDIC_NOT_SERVING_RECHECK_SECONDS: '1',
  });
}, 120_000);
afterAll(async () => h?.teardown());

/** A not-serving incident as a balancer's alert opens it for one target. */
const unhealthyTarget = (resourceId: string, mode: 'auto' | 'manual') =>
  h.open({
    resourceId,
    kind: 'not-serving',
    mode,
    summary: 'the balancer says this target fails its health check',
  });

describe('inbound traffic far above its usual level', () => {
  test("the fleet's monitor learns the member's usual traffic from CloudWatch, sees the surge, and the group gets one more instance", async () => {
    const fleet = `surge-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const [surging] = await groupMembers(h.aws, group, 2);
    // Half an hour of 300 kB/s, then 10 MB/s: the monitor's 15-minute window holds only half the
    // usual traffic, so the detector can judge only if it first read the half hour before it.
    await createChaos(h.aws.ec2, h.aws.cloudwatch).trafficSurge(surging);
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(surging, 'traffic-surge'));
      const opened = await h.stateWhen(incident, 'resolved');
      expect(opened.severity).toBe('medium');
      expect(opened.summary).toMatch(
        /inbound traffic at 1\d\.\d MB\/s is outside its normal range: about 3\d\d\.\d kB\/s .* is its recent level/,
      );
      const report = (await incident.result()) as IncidentReport;
      // The diagnosis reads the traffic as the detector judged it, a rate.
      expect(report.issueDetected).toMatch(/Peak inbound traffic 1\d\.\d MB\/s\./);
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['scale-out-group', 'succeeded'],
      ]);
      expect(report.reason).toMatch(new RegExp(`${group} gets one more instance .*flow-log check blocks`));
      expect(await desiredCapacity(h.aws, group)).toBe(3);
      // The detector opened it: the report names its version, as for CPU and latency.
      expect(report.models?.detector).toMatch(/^streaming-detector-/);
      // What the console shows of it: the running monitor's network detector, and the chart in the
      // rate the detector judged (bytes a second, not CloudWatch's per-period sums).
      const detail = await new IncidentService(h.env.client, 'http://127.0.0.1:8233').get(
        incident.workflowId,
      );
      const monitors = temporalMonitors(h.env.client);
      const detector = await monitors.incidentDetector(detail);
      expect([detector.metric, detector.instanceId]).toEqual(['network', surging]);
      // The half hour before the surge and the surge (183 points published), less a point the seam
      // between the history's read and the window's may fall into.
      expect(detector.points).toBeGreaterThanOrEqual(180);
      const evidence = await evidenceReader(h.aws.cloudwatch, 10)(detail);
      expect([evidence?.metric, evidence?.unit]).toEqual(['NetworkIn', 'Bytes/Second']);
      const peak = Math.max(...(evidence?.points ?? []).map((p) => p.value));
      expect(peak).toBeGreaterThan(10_000_000);
      expect(peak).toBeLessThan(12_000_000);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);

  test("the application's requests far above their usual rate: request-surge, and the group gets one more instance", async () => {
    const fleet = `requests-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const [surging] = await groupMembers(h.aws, group, 2);
    // Half an hour of about 40 requests a second, then about 1 200, as the application's agent counts them.
    await createChaos(h.aws.ec2, h.aws.cloudwatch).requestSurge(surging);
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(surging, 'request-surge'));
      const opened = await h.stateWhen(incident, 'resolved');
      expect(opened.summary).toMatch(
        /request rate at 1\d{3} requests\/s is outside its normal range: about 4\d\.\d requests\/s .* is its recent level/,
      );
      const report = (await incident.result()) as IncidentReport;
      expect(report.issueDetected).toMatch(/Peak request rate 1\d{3} requests\/s\./);
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['scale-out-group', 'succeeded'],
      ]);
      expect(report.reason).toMatch(
        new RegExp(`^The application serves far more requests than usual: ${group} gets one more instance`),
      );
      expect(await desiredCapacity(h.aws, group)).toBe(3);
      const detail = await new IncidentService(h.env.client, 'http://127.0.0.1:8233').get(
        incident.workflowId,
      );
      const detector = await temporalMonitors(h.env.client).incidentDetector(detail);
      expect([detector.metric, detector.instanceId]).toEqual(['requests', surging]);
      const evidence = await evidenceReader(h.aws.cloudwatch, 10)(detail);
      expect([evidence?.metric, evidence?.unit]).toEqual(['RequestCount', 'Count/Second']);
      expect(Math.max(...(evidence?.points ?? []).map((p) => p.value))).toBe(1_250);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);

  test('outside any group there is no capacity to add: the incident goes to a person, saying why', async () => {
    const { instances } = await createFleet(h.aws, {
      fleet: `surge-solo-${process.pid}`,
      size: 1,
      manualCount: 0,
    });
    const handle = await h.open({
      resourceId: instances[0].instanceId,
      kind: 'traffic-surge',
      mode: 'auto',
      summary: 'inbound traffic at 12.0 MB/s is outside its normal range',
    });
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('escalated');
    expect(report.resolutionProcess).toEqual([]);
    expect(report.reason).toMatch(
      /not in an Auto Scaling group, so there is no capacity cloud-medic may add/,
    );
    expect(report.actionTaken).toBe('Left for a person to decide; no change was made to the resource.');
  });
});

describe('a group member that stopped serving', () => {
  test('its application died while its siblings serve: not-serving, a reboot, verified once it serves again', async () => {
    const fleet = `dead-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 3 });
    const [dead] = await groupMembers(h.aws, group, 3);
    const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
    // Half an hour of about 40 requests a second on each member; the dead one's series ends a minute ago.
    const siblings = await chaos.stopServing(dead);
    expect(siblings).toHaveLength(2);
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(dead, 'not-serving'));
      const verifying = await h.stateWhen(incident, 'verifying');
      expect(verifying.severity).toBe('high');
      expect(verifying.summary).toMatch(
        new RegExp(
          `served no requests in group ${group}'s last 5 datapoints .* while its 2 siblings served a median 4\\d\\.\\d requests/s`,
        ),
      );
      // The console's chart of it: the member's requests, ending where it stopped serving.
      const detail = await new IncidentService(h.env.client, 'http://127.0.0.1:8233').get(
        incident.workflowId,
      );
      const evidence = await evidenceReader(h.aws.cloudwatch, 10)(detail);
      expect([evidence?.metric, evidence?.unit]).toEqual(['RequestCount', 'Count/Second']);
      expect(evidence?.points.length).toBeGreaterThan(0);
      expect(evidence?.points.at(-1)?.at.localeCompare(verifying.openedAt)).toBe(-1);
      // Restarted, the application serves again, as its agent reports. Verification reads from the
      // second after the action (CloudWatch keeps whole seconds), so the report comes a moment later.
      await new Promise((r) => setTimeout(r, 1_500));
      await chaos.serving(dead);
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome, s.detail])).toEqual([
        [
          'reboot-instance',
          'succeeded',
          expect.stringMatching(`; ${dead} serves again: 41.0 requests/s at most since the action`),
        ],
      ]);
      expect(report.outcome).toBe('resolved');
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);
  test('still serving nothing after the reboot: replaced, and the replacement is judged by its checks until its balancer sends to it', async () => {
    const fleet = `wedged-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const [wedged] = await groupMembers(h.aws, group, 2);
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopServing(wedged);
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(wedged, 'not-serving'));
      await h.stateWhen(incident, 'verifying');
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['reboot-instance', 'not-verified'],
        ['replace-instance', 'succeeded'],
      ]);
      expect(report.resolutionProcess[0]?.detail).toMatch(`${wedged} has served no request since`);
      expect(report.resolutionProcess[1]?.detail).toMatch(
        /reported no request count in the last day \(no agent, or a fresh replacement\): running with its status checks passing/,
      );
      expect(report.outcome).toBe('resolved');
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);
  test('its group replaces it while the reboot is verified (balancer health checks): resolved, nothing launched twice (decision 0068)', async () => {
    const fleet = `elb-checked-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const [wedged, sibling] = await groupMembers(h.aws, group, 2);
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopServing(wedged ?? '');
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(wedged ?? '', 'not-serving'));
      await h.stateWhen(incident, 'verifying');
      // What a group on ELB health checks does with a target that keeps failing them.
      await h.aws.autoscaling.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: wedged,
          ShouldDecrementDesiredCapacity: false,
        }),
      );
      const members = await groupMembers(h.aws, group, 2);
      const replacement = members.find((m) => m !== sibling);
      expect(replacement).not.toBe(wedged);
      const report = (await incident.result()) as IncidentReport;
      expect(report.outcome).toBe('resolved');
      // Not cloud-medic's own replacement on top of the group's.
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['reboot-instance', 'not-verified'],
      ]);
      expect(report.actionTaken).toMatch(
        new RegExp(
          `^${wedged} is terminated, and its Auto Scaling group ${group} has 2 of 2 desired members in service and healthy without it \\(.*${replacement}.*\\)\\. Nothing is left for cloud-medic to do`,
        ),
      );
      expect(await desiredCapacity(h.aws, group)).toBe(2);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);
  test('already replaced by its group when the incident starts: resolved without acting, not failed (decision 0068)', async () => {
    const fleet = `replaced-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const [gone] = await groupMembers(h.aws, group, 2);
    await h.aws.autoscaling.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: gone,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    // A terminated instance keeps its tags in EC2; the emulator drops the group's as it detaches it.
    await h.aws.ec2.send(
      new CreateTagsCommand({
        Resources: [gone ?? ''],
        Tags: [{ Key: AUTOSCALING_GROUP_TAG, Value: group }],
      }),
    );
    await groupMembers(h.aws, group, 2);
    const handle = await unhealthyTarget(gone ?? '', 'auto');
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess).toEqual([]);
    expect(report.reason).toMatch(
      new RegExp(`^${gone} is terminated, and its Auto Scaling group ${group} has 2 of 2 desired members`),
    );
    expect(report.actionTaken).toMatch(/^Closed without acting/);
  }, 120_000);
  test('serving again while a person is asked closes the incident without a restart; an instance with no request count is not closed by its checks (decision 0069)', async () => {
    const fleet = `recovers-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const [dead] = await groupMembers(h.aws, group, 2);
    const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
    await chaos.groupStopsServing(dead ?? '');
    const incident = await h.open({
      resourceId: dead ?? '',
      kind: 'not-serving',
      mode: 'manual',
      severity: 'critical',
      summary: 'every member behind the balancer stopped serving together',
    });
    await h.stateWhen(incident, 'awaiting_approval');
    // The database they share comes back: the member serves again before anyone answers, and its
    // agent keeps publishing, as a live one does.
    await chaos.serving(dead ?? '', 10);
    const agent = setInterval(() => void chaos.serving(dead ?? '', 10).catch(() => undefined), 2_000);
    const report = (await incident.result().finally(() => clearInterval(agent))) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess).toEqual([]);
    expect(report.reason).toMatch(
      new RegExp(`^${dead} serves again: .* since .*: it recovered while waiting for a person`),
    );
    expect(report.actionTaken).toMatch(/^Closed without acting/);

    // No agent: nothing to read, so only a person closes it.
    const { instances } = await createFleet(h.aws, {
      fleet: `unread-${process.pid}`,
      size: 1,
      manualCount: 0,
    });
    const unread = await unhealthyTarget(instances[0].instanceId, 'manual');
    await h.stateWhen(unread, 'awaiting_approval');
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await unread.query(incidentStateQuery)).status).toBe('awaiting_approval');
    await unread.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'sre-on-call' }] });
    expect(((await unread.result()) as IncidentReport).outcome).toBe('declined');
  }, 120_000);
  test('the whole group went silent while its balancer still routes to it: the monitor opens a critical MANUAL incident on each member; a balancer API that does not answer costs only this rule; once the targets answer the balancer, nothing (decision 0070)', async () => {
    const fleet = `unanswered-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 3, desired: 2 });
    const members = await groupMembers(h.aws, group, 2);
    const name = `unans${process.pid}`.slice(0, 20);
    await putGroupBehindBalancer(h.aws, group, name, await createNetwork(h.aws, 76));
    const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
    const balancing = createBalancerChaos(h.aws);
    await chaos.groupStopsServing(members[0] ?? '');
    // The balancer fails open: it still routes about 80 a second to them, answered until a minute ago.
    const balancers = await balancing.routedUnanswered(group, members.length);
    expect(balancers).toEqual([expect.stringMatching(new RegExp(`^app/${name}-lb/`))]);
    const monitor = await h.startMonitor(fleet);
    try {
      for (const id of members) {
        const incident = h.env.client.workflow.getHandle(incidentWorkflowId(id, 'not-serving'));
        const waiting = await h.stateWhen(incident, 'awaiting_approval');
        expect([waiting.severity, waiting.mode]).toEqual(['critical', 'manual']);
        expect(waiting.summary).toMatch(
          new RegExp(
            `^Instance ${id} and every other member of group ${group} that served \\(2: .*\\) stopped serving together: load balancer ${balancers[0]} routed them 8\\d\\.\\d requests/s`,
          ),
        );
        await incident.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'sre-on-call' }] });
      }
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
    const scanWith = (balancing: BalancingClients) =>
      createDetectionActivities(
        h.aws.ec2,
        h.aws.cloudwatch,
        h.env.client,
        {
          metricPeriodSeconds: 10,
          lookbackMinutes: 15,
          cpuHighPercent: 90,
          cpuWindowPoints: 3,
          cpuAnomalyFloorPercent: 50,
          notServingSiblingMinPerSecond: 1,
        },
        balancing,
      ).scanFleet({ fleet, watermarks: {} });
    const notServing = (scan: { findings: { kind: string; resourceId: string }[] }) =>
      scan.findings.filter((f) => f.kind === 'not-serving').map((f) => f.resourceId);
    expect((await scanWith(h.aws)).findings.map((f) => f.resourceId).sort()).toEqual([...members].sort());
    // A balancer API that does not answer costs the scan this rule only, never the scan itself.
    const unreachable = new ElasticLoadBalancingV2Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'medic-local', secretAccessKey: 'medic-local' },
      maxAttempts: 1,
    });
    expect(notServing(await scanWith({ autoscaling: h.aws.autoscaling, elbv2: unreachable }))).toEqual([]);
    unreachable.destroy();
    // A group behind no balancer costs no metric read: CloudWatch refuses a call without a query.
    const noCloudWatch = new CloudWatchClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'medic-local', secretAccessKey: 'medic-local' },
      maxAttempts: 1,
    });
    const now = Date.now();
    await expect(
      readBalancerViews(
        { ...h.aws, cloudwatch: noCloudWatch },
        [`nowhere-${process.pid}`],
        new Date(now - 60_000),
        new Date(now),
        10,
      ),
    ).resolves.toEqual([]);
    noCloudWatch.destroy();
    // Agents that died together beside applications that answer: the balancer counts the answers.
    await balancing.routedUnanswered(group, members.length, { silentMs: 0 });
    const scan = await scanWith(h.aws);
    expect(scan.findings.filter((f) => f.kind === 'not-serving')).toEqual([]);
  }, 120_000);
  test('its agent silent for two hours, as when a person answers late: a reboot that brings nothing back is not called healed by the checks', async () => {
    const { instances } = await createFleet(h.aws, {
      fleet: `late-${process.pid}`,
      size: 1,
      manualCount: 0,
    });
    const silent = instances[0].instanceId;
    await createChaos(h.aws.ec2, h.aws.cloudwatch).servedHoursAgo(silent, 2);
    const handle = await unhealthyTarget(silent, 'auto');
    const report = (await handle.result()) as IncidentReport;
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'not-verified'],
      ['replace-instance', 'succeeded'],
    ]);
    expect(report.resolutionProcess[0]?.detail).toMatch(`${silent} has served no request since`);
  }, 120_000);
  test('named by an alert on an instance that reports no request count: rebooted, judged by its checks, never replaced on a signal it cannot read', async () => {
    const { instances } = await createFleet(h.aws, {
      fleet: `no-agent-${process.pid}`,
      size: 1,
      manualCount: 0,
    });
    const handle = await unhealthyTarget(instances[0].instanceId, 'auto');
    const report = (await handle.result()) as IncidentReport;
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'succeeded'],
    ]);
    expect(report.resolutionProcess[0]?.detail).toMatch(/reported no request count in the last day/);
    expect(report.outcome).toBe('resolved');
  });
});

describe('outbound traffic far above its usual level', () => {
  test('the monitor opens egress-surge, a person decides whatever the default mode, and approved, the instance is isolated', async () => {
    const fleet = `egress-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const leaking = instances[0].instanceId;
    const groupsBefore = ((await h.instance(leaking))?.SecurityGroups ?? []).map((g) => g.GroupId);
    // Half an hour of 200 kB/s out, then about 12 MB/s, and the flow logs that say where it went.
    await createChaos(h.aws.ec2, h.aws.cloudwatch).egressSurge(leaking);
    const { destination } = await exfiltrationFlows(h.aws.ec2, h.aws.s3, testConfig().flowLogBucket, leaking);
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(leaking, 'egress-surge'));
      const waiting = await h.stateWhen(incident, 'awaiting_approval');
      // The instance is AUTO (the test config's default): a suspicion still waits for a person.
      expect([waiting.mode, waiting.severity]).toEqual(['manual', 'high']);
      expect(waiting.summary).toMatch(
        /outbound traffic at 1\d\.\d MB\/s is outside its normal range: about 2\d\d\.\d kB\/s/,
      );
      expect(waiting.timeline.map((t) => t.message)).toContainEqual(
        expect.stringMatching(/^MANUAL whatever was asked: an outbound surge is a suspicion of data leaving/),
      );
      // Nothing is isolated before the answer.
      expect(((await h.instance(leaking))?.SecurityGroups ?? []).map((g) => g.GroupId)).toEqual(groupsBefore);
      await incident.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'sre-on-call' }] });
      const report = (await incident.result()) as IncidentReport;
      expect(report.outcome).toBe('resolved');
      expect(report.issueDetected).toMatch(/Peak outbound traffic 1\d\.\d MB\/s\./);
      // What the person approving read: where the traffic went, from the fleet's flow logs.
      const privateIp = (await h.instance(leaking))?.PrivateIpAddress ?? 'no address';
      const destinations = `Flow logs: 361.8 MB sent from ${privateIp} in the last 15 min: 100 % to ${destination}:443.`;
      expect(waiting.diagnosis?.findings).toContain(destinations);
      expect(waiting.diagnosis?.outboundFlows).toBe(destinations);
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['quarantine-instance', 'succeeded'],
      ]);
      expect(report.models?.detector).toMatch(/^streaming-detector-/);
      const after = await h.instance(leaking);
      expect(after?.State?.Name).toBe('running');
      expect(after?.SecurityGroups?.map((g) => g.GroupName)).toEqual([
        expect.stringMatching(/^medic-quarantine-/),
      ]);
      expect(after?.Tags?.find((t) => t.Key === QUARANTINED_FROM_TAG)?.Value).toBe(groupsBefore.join(','));
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);

  test('a surge the flow logs show going to a trusted destination is closed without a person, nothing isolated', async () => {
    const fleet = `backup-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const backingUp = instances[0].instanceId;
    const groupsBefore = ((await h.instance(backingUp))?.SecurityGroups ?? []).map((g) => g.GroupId);
    await createChaos(h.aws.ec2, h.aws.cloudwatch).egressSurge(backingUp);
    await exfiltrationFlows(h.aws.ec2, h.aws.s3, testConfig().flowLogBucket, backingUp, '192.0.2.5');
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(backingUp, 'egress-surge'));
      const { timeline } = await h.stateWhen(incident, 'resolved');
      expect(timeline.map((t) => t.status)).not.toContain('awaiting_approval');
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess).toEqual([]);
      // 360 MB to the backup range; the instance's ordinary 1.8 MB elsewhere is under 1 % of it.
      expect(report.reason).toMatch(
        /^The outbound surge went to trusted destinations \(MEDIC_TRUSTED_EGRESS\): backup \(360\.0 MB\) in the last 15 min, 1\.8 MB elsewhere/,
      );
      expect(report.issueDetected).toMatch(/100 % to 192\.0\.2\.5:443 \(trusted: backup\)/);
      expect(((await h.instance(backingUp))?.SecurityGroups ?? []).map((g) => g.GroupId)).toEqual(
        groupsBefore,
      );
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);

  test('flow logs delivered after the person was asked still prove a trusted destination: the incident closes itself', async () => {
    const fleet = `late-logs-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const backingUp = instances[0].instanceId;
    await createChaos(h.aws.ec2, h.aws.cloudwatch).egressSurge(backingUp);
    const monitor = await h.startMonitor(fleet);
    try {
      const incident = h.env.client.workflow.getHandle(incidentWorkflowId(backingUp, 'egress-surge'));
      // No deliveries yet, as on AWS minutes after the traffic: nothing is proven, a person is asked.
      const waiting = await h.stateWhen(incident, 'awaiting_approval');
      expect(waiting.diagnosis?.trustedEgress).toBeUndefined();
      await exfiltrationFlows(h.aws.ec2, h.aws.s3, testConfig().flowLogBucket, backingUp, '192.0.2.6');
      const { timeline } = await h.stateWhen(incident, 'resolved');
      expect(timeline.map((t) => t.message)).toContainEqual(
        expect.stringMatching(
          /^Flow logs delivered since the question: .*100 % to 192\.0\.2\.6:443 \(trusted: backup\)/,
        ),
      );
      const report = (await incident.result()) as IncidentReport;
      expect(report.decision).toBeUndefined();
      expect(report.resolutionProcess).toEqual([]);
      expect(report.reason).toMatch(/^The outbound surge went to trusted destinations/);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);
});
