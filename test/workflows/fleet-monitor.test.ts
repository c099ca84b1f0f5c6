import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AwsClients } from '../../activities';
import { createChaos } from '../../activities/chaos';
import { createDetectionActivities, type DetectionSettings } from '../../activities/detection';
import { createFleet, fleetSizeReader } from '../../activities/fleet';
import { evidenceReader } from '../../api/evidence';
import type { IncidentDetail } from '../../api/incident-service';
import {
  formatMonitoredDetector,
  formatRunningMonitors,
  monitorFleetOf,
  shownDetector,
} from '../../cli/monitor-show';
import { runningMonitors, type MonitoredDetector } from '../../activities/monitor-reader';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { temporalMonitors } from '../../api/monitors';
import { serveOnLoopback } from '../support/http';
import { StreamingDetector } from '../../domain/anomaly/detector';
import { TASK_QUEUES } from '../../domain/config';
import { fleetMonitorWorkflowId, incidentWorkflowId } from '../../domain/ids';
import type { fleetMonitorWorkflow } from '../../workflows/fleet-monitor';
import { Worker } from '@temporalio/worker';
import { decisionUpdate, stopMonitoringSignal } from '../../workflows/messages';
import { detectionVerdictSignal } from '../../workflows/fleet-monitor';
import { eventually, workflowBundle } from '../support/env';
import { publishCpuHistory, publishInstanceMetric, tenSecondsApart } from '../support/cpu-history';
import { createFleetGroup, groupMembers } from '../support/groups';
import { startHarness, type MedicHarness } from '../support/harness';

const ADMIN_TOKEN = 'medic_fleet_monitor_test_admin_token_0123';
let h: MedicHarness;
let env: TestWorkflowEnvironment;
let aws: AwsClients;

beforeAll(async () => {
  h = await startHarness('mon');
  ({ env, aws } = h);
}, 120_000);

afterAll(async () => h?.teardown());

/** The detection activity with the tests' CPU thresholds, and the given period, window and floors. */
const scanner = (
  settings: Pick<DetectionSettings, 'metricPeriodSeconds' | 'lookbackMinutes'> & Partial<DetectionSettings>,
) =>
  createDetectionActivities(aws.ec2, aws.cloudwatch, env.client, {
    cpuHighPercent: 90,
    cpuWindowPoints: 3,
    cpuAnomalyFloorPercent: 50,
    ...settings,
  });

describe('fleet monitor (the detection loop)', () => {
  test('a fault that outlives its declined incident is not reported again, across continue-as-new', async () => {
    const fleet = `mon-${process.pid}`;
    const { instances } = await createFleet(aws, { fleet, size: 1, manualCount: 1 });
    const instanceId = instances[0].instanceId;
    await createChaos(aws.ec2, aws.cloudwatch).stopInstance(instanceId);

    const monitor = await env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
      workflowId: fleetMonitorWorkflowId(fleet),
      taskQueue: TASK_QUEUES.monitoring,
      args: [{ fleet, intervalSeconds: 1, pollsPerRun: 2 }],
    });
    const incident = env.client.workflow.getHandle(incidentWorkflowId(instanceId, 'instance-stopped'));
    await h.stateWhen(incident, 'awaiting_approval');
    await incident.executeUpdate(decisionUpdate, {
      args: [{ decision: 'decline', by: 'test', reason: 'keep it stopped' }],
    });
    await incident.result();

    // The instance stays stopped while the loop continues as new several times.
    const runs = async () => (await env.client.workflow.count(`WorkflowId = '${monitor.workflowId}'`)).count;
    await eventually(async () => ((await runs()) >= 4 ? true : undefined), 60_000, 'four monitor runs');
    const incidents = await env.client.workflow.count(
      `WorkflowId = '${incidentWorkflowId(instanceId, 'instance-stopped')}'`,
    );
    expect(incidents.count).toBe(1);

    await env.client.workflow.getHandle(monitor.workflowId).signal(stopMonitoringSignal);
    const result = await env.client.workflow.getHandle(monitor.workflowId).result();
    expect(result).toEqual({ incidentsOpened: 1 });
  });
});

describe('latency judged against its own normal range', () => {
  test("a p99 far above the instance's usual one, read from CloudWatch, opens latency-high under the threshold", async () => {
    const fleet = `lat-${process.pid}`;
    const { instances } = await createFleet(aws, { fleet, size: 2, manualCount: 0 });
    const [slowing, steady] = instances.map((i) => i.instanceId);
    // Half an hour of p99 around 120 ms every ten seconds, as the application's agent publishes it;
    // on one instance the last three datapoints are near 650 ms, below the 1 000 ms threshold.
    const now = Date.now();
    for (const instanceId of [slowing, steady]) {
      const values = Array.from({ length: 180 }, (_, i) => 120 + ((i * 7) % 11) - 5);
      if (instanceId === slowing) values.push(640, 660, 650);
      else values.push(118, 121, 119);
      await publishInstanceMetric(
        aws.cloudwatch,
        instanceId,
        { namespace: 'CloudMedic/App', name: 'LatencyP99', unit: 'Milliseconds' },
        tenSecondsApart(values, now),
      );
    }
    const scan = (latencyAnomalyFloorMs?: number) =>
      scanner({
        metricPeriodSeconds: 10,
        lookbackMinutes: 40,
        latencyHighMs: 1000,
        ...(latencyAnomalyFloorMs !== undefined ? { latencyAnomalyFloorMs } : {}),
      }).scanFleet({ fleet, watermarks: {}, detectors: {} });

    const judged = await scan(500);
    expect(judged.findings.map((f) => [f.resourceId, f.kind, f.severity])).toEqual([
      [slowing, 'latency-high', 'medium'],
    ]);
    expect(judged.findings[0]?.summary).toMatch(/p99 latency at 6\d0 ms is outside its normal range/);
    expect(judged.detectors?.[`${steady}/LatencyP99`]?.snapshot.index).toBe(183);
    // The threshold alone says nothing about 650 ms.
    expect((await scan()).findings).toEqual([]);
  });
});

describe("a group's newcomer is judged by a sibling's outbound normal from its first datapoints (decision 0063)", () => {
  test("the scan reads the group from the instances, and the newcomer's leak opens egress-surge at once", async () => {
    const fleet = `inh-${process.pid}`;
    const group = await createFleetGroup(aws, fleet, { min: 2, max: 2, desired: 2 });
    const [veteran, newcomer] = await groupMembers(aws, group, 2);
    const publish = (instanceId: string, values: number[]) =>
      publishInstanceMetric(
        aws.cloudwatch,
        instanceId,
        { namespace: 'AWS/EC2', name: 'NetworkOut', unit: 'Bytes' },
        tenSecondsApart(values),
      );
    // Half an hour of about 200 kB/s out on the veteran (bytes per ten-second datapoint).
    await publish(
      veteran ?? '',
      Array.from({ length: 180 }, (_, i) => 2_000_000 + ((i * 7) % 11) * 26_000),
    );
    const scan = scanner({
      metricPeriodSeconds: 10,
      lookbackMinutes: 40,
      egressAnomalyFloorBytesPerSecond: 1_000_000,
    }).scanFleet;
    const first = await scan({ fleet, watermarks: {}, detectors: {} });
    expect(first.findings).toEqual([]);
    // The newcomer's first three datapoints: 12 MB/s leaving.
    await publish(newcomer ?? '', [120_000_000, 125_000_000, 118_000_000]);
    const second = await scan({ fleet, watermarks: first.watermarks, detectors: first.detectors ?? {} });
    expect(second.findings.map((f) => [f.resourceId, f.kind])).toEqual([[newcomer, 'egress-surge']]);
    expect(second.findings[0]?.summary).toContain(`judged by group ${group}'s, learnt on ${veteran}`);
    expect(second.detectors?.[`${newcomer}/NetworkOut`]?.inherited).toMatchObject({ from: veteran, group });
  });
});

describe("a new monitor starts from the instances' history", () => {
  test('its first scan reads each running instance’s past week and a day, and the detector has learnt it', async () => {
    const fleet = `hist-${process.pid}`;
    const { instances } = await createFleet(aws, { fleet, size: 1, manualCount: 0 });
    const instanceId = instances[0].instanceId;
    // Four days of one-minute CPU before the scan's window: 20 % at night, 70 % from 09:05 to 17:00.
    const minute = 60_000;
    const end = Math.floor(Date.now() / minute) * minute - 20 * minute;
    const points = Array.from({ length: 4 * 1440 }, (_, i) => {
      const at = end - (4 * 1440 - i) * minute;
      const m = Math.floor((at % 86_400_000) / minute);
      return { at, value: (m >= 545 && m < 1020 ? 70 : 20) + (i % 5) };
    });
    await publishCpuHistory(aws.cloudwatch, instanceId, points);
    const scan = scanner({
      metricPeriodSeconds: 60,
      lookbackMinutes: 10,
    }).scanFleet;

    const first = await scan({ fleet, watermarks: {}, detectors: {} });
    expect(first.findings).toEqual([]);
    const learnt = first.detectors?.[instanceId]?.snapshot;
    // The history, then whatever the emulated instance published in the scan's window.
    expect(learnt?.index).toBeGreaterThanOrEqual(points.length);
    expect(learnt?.index).toBeLessThan(points.length + 30);
    expect(learnt?.profile?.proven).toBe(true);
    // The console's chart of a cpu-high incident opened 30 minutes ago draws, beside the metric, what
    // this detector takes for usual at each point's time: 22 % at night, 72 % in working hours.
    const profile = StreamingDetector.restore(learnt ?? new StreamingDetector().snapshot()).describe()
      .profile;
    const openedAt = new Date(Date.now() - 30 * minute).toISOString();
    const evidence = await evidenceReader(
      aws.cloudwatch,
      60,
      async () => profile,
    )({
      id: `incident-${instanceId}-cpu-high`,
      kind: 'cpu-high',
      resourceId: instanceId,
      openedAt,
      alerts: [{ source: `detector:${fleet}`, summary: 'CPU', at: openedAt }],
    } as unknown as IncidentDetail);
    expect(evidence?.points.length).toBeGreaterThan(0);
    expect(evidence?.usual).toHaveLength(evidence?.points.length ?? -1);
    evidence?.points.forEach((p, i) => {
      const hour = new Date(p.at).getUTCHours();
      const usual = evidence.usual?.[i]?.value;
      if (hour < 9 || hour >= 17) expect(Math.abs((usual ?? 0) - 22)).toBeLessThan(2);
      if (hour >= 10 && hour < 17) expect(Math.abs((usual ?? 0) - 72)).toBeLessThan(2);
    });
    // A detector the monitor carries is not given its history again.
    const second = await scan({ fleet, watermarks: first.watermarks, detectors: first.detectors ?? {} });
    expect((second.detectors?.[instanceId]?.snapshot.index ?? 0) - (learnt?.index ?? 0)).toBeLessThan(30);
  });

  test('medic monitor show reads what the running monitor takes for usual, hour by hour', async () => {
    const fleet = `show-${process.pid}`;
    const { instances } = await createFleet(aws, { fleet, size: 1, manualCount: 0 });
    const instanceId = instances[0].instanceId;
    // A carried detector that learnt four days of working hours, as the monitor would carry it.
    const detector = new StreamingDetector();
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 4 * 1440; i++)
      detector.updateAt((i % 1440 >= 545 && i % 1440 < 1020 ? 70 : 20) + (i % 5), start + i * 60_000);
    const carried = {
      [instanceId]: {
        snapshot: detector.snapshot(),
        fedUpTo: new Date(start + 4 * 86_400_000).toISOString(),
      },
    };
    const monitor = await env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
      workflowId: fleetMonitorWorkflowId(fleet),
      taskQueue: TASK_QUEUES.monitoring,
      args: [{ fleet, intervalSeconds: 3600, detectors: carried }],
    });
    try {
      const shown = await shownDetector(env.client, fleet, instanceId, 'cpu');
      expect(shown.profile?.proven).toBe(true);
      expect(shown.profile?.hours[12]?.value).toBeCloseTo(72, 0);
      expect(shown.profile?.hours[3]?.value).toBeCloseTo(22, 0);
      expect(formatMonitoredDetector(shown)).toContain(
        `${instanceId} CPU as the monitor of fleet ${fleet} knows it`,
      );
      // No latency detector: nothing published it.
      await expect(shownDetector(env.client, fleet, instanceId, 'latency')).rejects.toThrow(
        `the monitor of fleet ${fleet} has no p99 latency detector for ${instanceId}`,
      );
      await expect(shownDetector(env.client, `${fleet}-none`, instanceId, 'cpu')).rejects.toThrow(
        `No monitor for fleet ${fleet}-none (medic monitor list shows the running ones)`,
      );
      // Without --fleet, the running monitor that watches the instance is found.
      expect(await monitorFleetOf(env.client, instanceId)).toBe(fleet);
      await expect(monitorFleetOf(env.client, 'i-0000000000000000f')).rejects.toThrow(
        'No running monitor keeps a detector for i-0000000000000000f',
      );

      // A person's word on a detection reaches the running monitor's detector: 'expected' makes the
      // incident's hour of the week a routine at once, 'fault' takes it back.
      const monitors = temporalMonitors(env.client);
      const detected = {
        id: `incident-${instanceId}-cpu-high`,
        kind: 'cpu-high',
        resourceId: instanceId,
        openedAt: '2024-01-05T18:10:00.000Z',
        alerts: [{ source: `detector:${fleet}`, summary: 'CPU', at: '2024-01-05T18:10:00.000Z' }],
      } as unknown as IncidentDetail;
      const routinesNow = async () =>
        (await shownDetector(env.client, fleet, instanceId, 'cpu')).weeklyRoutines;
      expect(await routinesNow()).toEqual([]);
      // The incident's own detector, as the evidence chart's band asks for it.
      expect((await monitors.incidentDetector(detected)).profile?.hours[12]?.value).toBeCloseTo(72, 0);
      expect(await monitors.judge(detected, 'expected', 'test')).toMatchObject({
        fleet,
        instanceId,
        metric: 'cpu',
        hourOfWeek: 'Fri 18:00',
        explanation: expect.stringContaining('Fri 18:00 UTC is a weekly routine') as string,
      });
      await eventually(
        async () => ((await routinesNow())?.includes('Fri 18:00') ? true : undefined),
        10_000,
        'the routine',
      );
      await monitors.judge(detected, 'fault', 'test');
      await eventually(
        async () => ((await routinesNow())?.length === 0 ? true : undefined),
        10_000,
        'no routine',
      );
      await expect(monitors.judge({ ...detected, alerts: [] }, 'expected', 'test')).rejects.toMatchObject({
        code: 'conflict',
      });
      await expect(
        monitors.judge({ ...detected, kind: 'latency-high' }, 'expected', 'test'),
      ).rejects.toMatchObject({
        code: 'not_found',
      });

      // The console's list of monitors names this one and the series it carries (visibility lags a little).
      const listed = await eventually(
        async () => (await runningMonitors(env.client)).find((m) => m.fleet === fleet),
        20_000,
        'the monitor in the list',
      );
      expect(listed.series).toContainEqual({
        instanceId,
        metric: 'cpu',
        points: expect.any(Number) as number,
        fedUpTo: expect.any(String) as string,
      });
      expect(listed.series?.find((s) => s.instanceId === instanceId)?.points).toBeGreaterThanOrEqual(
        4 * 1440,
      );
      expect(formatRunningMonitors([listed])).toMatch(
        new RegExp(
          `^fleet ${fleet} \\(its current run started at .*\\)\\n  ${instanceId}  CPU +\\d+ points, the last at `,
        ),
      );
      // Read with the fleet's listing from EC2, as `medic monitor list` and the API do: this fleet has
      // its instances; told the fleet is empty (the emulator restarted), the monitor's entry says so.
      const sized = (await runningMonitors(env.client, fleetSizeReader(aws.ec2))).find(
        (m) => m.fleet === fleet,
      );
      expect(sized?.instancesInFleet).toBeGreaterThan(0);
      const emptied = (await runningMonitors(env.client, async () => 0)).find((m) => m.fleet === fleet);
      expect(formatRunningMonitors(emptied ? [emptied] : [])).toContain(
        `fleet ${fleet} lists no instances now`,
      );

      // The same detector over HTTP, and each bad part of the request named.
      const served = await serveOnLoopback(
        createApp({
          incidents: new IncidentService(env.client, 'http://127.0.0.1:8233'),
          adminToken: ADMIN_TOKEN,
          monitors: temporalMonitors(env.client),
          health: { temporal: async () => true, aws: async () => true },
        }),
      );
      const get = async (path: string) => {
        const res = await fetch(`${served.origin}/api/v1${path}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      try {
        const detectorPath = `/monitors/${fleet}/detectors/${instanceId}`;
        const ok = await get(detectorPath);
        expect(ok.status).toBe(200);
        expect((ok.body as unknown as MonitoredDetector).profile?.hours[12]?.value).toBeCloseTo(72, 0);
        expect(await get(`${detectorPath}?metric=latency`)).toMatchObject({
          status: 404,
          body: { error: { message: expect.stringContaining('has no p99 latency detector') as string } },
        });
        expect(await get(`${detectorPath}?metric=network`)).toMatchObject({
          status: 404,
          body: { error: { message: expect.stringContaining('has no inbound traffic detector') as string } },
        });
        expect(await get(`/monitors/${fleet}-none/detectors/${instanceId}`)).toMatchObject({
          status: 404,
          body: {
            error: {
              message: `No monitor for fleet ${fleet}-none (medic monitor start --fleet ${fleet}-none)`,
            },
          },
        });
        const refused = await Promise.all([
          get(`${detectorPath}?metric=disk`),
          get(`/monitors/${fleet}/detectors/i-NOTANID`),
          get(`/monitors/Bad_Fleet/detectors/${instanceId}`),
        ]);
        expect(refused.map((r) => r.status)).toEqual([400, 400, 400]);
        expect(
          refused.map((r) => (r.body.error as { details: { path: string }[] }).details[0]?.path),
        ).toEqual(['metric', 'instanceId', 'fleet']);
        const badVerdict = await fetch(`${served.origin}/api/v1/incidents/incident-x/detection`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ expected: 'yes' }),
        });
        expect(badVerdict.status).toBe(400);
        expect(
          ((await badVerdict.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path,
        ).toBe('expected');
        const list = await get('/monitors');
        expect((list.body.monitors as { fleet: string }[]).map((m) => m.fleet)).toContain(fleet);

        // A monitor whose worker is down (here: a task queue no worker polls) is a 503 in 5 s, and
        // listed with no series rather than holding up the list.
        const stuck = await env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
          workflowId: fleetMonitorWorkflowId(`${fleet}-stuck`),
          taskQueue: `nobody-polls-${process.pid}`,
          args: [{ fleet: `${fleet}-stuck`, intervalSeconds: 3600 }],
        });
        try {
          expect(await get(`/monitors/${fleet}-stuck/detectors/${instanceId}`)).toMatchObject({
            status: 503,
            body: {
              error: {
                message: `The monitor of fleet ${fleet}-stuck did not answer in 5 s (is its worker running?)`,
              },
            },
          });
          const listedStuck = await eventually(
            async () => (await runningMonitors(env.client)).find((m) => m.fleet === `${fleet}-stuck`),
            20_000,
            'the stuck monitor in the list',
          );
          expect(listedStuck.series).toBeNull();
        } finally {
          await stuck.terminate('test over');
        }
      } finally {
        served.close();
      }
    } finally {
      await monitor.signal(stopMonitoringSignal);
      await monitor.result();
    }
  });
});

describe('fleet monitor: a verdict that arrives while a scan runs', () => {
  test('is applied again to the detectors the scan returns, not lost under them', async () => {
    const fleet = `race-${process.pid}`;
    const instanceId = 'i-0abc1234def567890';
    const detector = new StreamingDetector();
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 4 * 1440; i++) detector.updateAt(20 + (i % 5), start + i * 60_000);
    const carried = {
      [instanceId]: { snapshot: detector.snapshot(), fedUpTo: new Date(start).toISOString() },
    };
    // The real workflow; a scan that takes as long as the test says and returns what it was given,
    // as a scan that read nothing new would (the detectors as they were when it started).
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    let scans = 0;
    const queue = `race-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: queue,
      workflowBundle: await workflowBundle(),
      activities: {
        scanFleet: async (input: { watermarks: object; detectors?: object }) => {
          if (++scans === 1) await released;
          return { findings: [], watermarks: input.watermarks, detectors: input.detectors };
        },
        scanSecurityGroups: async () => ({ exposed: 0, opened: 0 }),
        scanFlowLogs: async () => ({ floods: [] }),
      },
    });
    await worker.runUntil(async () => {
      const monitor = await env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
        workflowId: fleetMonitorWorkflowId(fleet),
        taskQueue: queue,
        args: [{ fleet, intervalSeconds: 1, detectors: carried }],
      });
      await eventually(async () => (scans === 1 ? true : undefined), 10_000, 'the first scan running');
      await monitor.signal(detectionVerdictSignal, {
        key: instanceId,
        at: '2024-01-05T18:10:00.000Z',
        verdict: 'expected',
      });
      // The handler has run (the carried detectors have the routine) while the scan still holds the
      // detectors of before it; then the scan returns those, and the next scan starts after them.
      const routinesNow = async () =>
        (await shownDetector(env.client, fleet, instanceId, 'cpu')).weeklyRoutines;
      await eventually(
        async () => ((await routinesNow())?.length ? true : undefined),
        10_000,
        'the handler run',
      );
      expect(scans).toBe(1);
      release();
      await eventually(async () => (scans >= 2 ? true : undefined), 10_000, 'a second scan');
      const routines = await routinesNow();
      expect(routines).toEqual(['Fri 18:00']);
      await monitor.signal(stopMonitoringSignal);
      await monitor.result();
    });
  });
});
