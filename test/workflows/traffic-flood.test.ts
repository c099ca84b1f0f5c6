import { DescribeNetworkAclsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { trafficFlood } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { flowLogPrefix } from '../../activities/flow-log-deliveries';
import { createFlowLogActivities } from '../../activities/flow-logs';
import { runningMonitors } from '../../activities/monitor-reader';
import { createModelStore } from '../../activities/model-store';
import { flowLogNote } from '../../domain/monitor-view';
import { FLEET_TAG } from '../../activities/tags';
import { trafficFloodIncidentId } from '../../domain/ids';
import { sourcesIn } from '../../domain/network-block';
import type { IncidentReport } from '../../domain/incident';
import { liftBlockSignal } from '../../workflows/block-source';
import { decisionUpdate, incidentStateQuery, stopMonitoringSignal } from '../../workflows/messages';
import { eventually, testConfig } from '../support/env';
import { saveHistory } from '../support/histories';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
beforeAll(async () => {
  h = await startHarness('flood');
}, 120_000);
afterAll(async () => h?.teardown());

/** Deny entries for `cidr` in the fleet's own network ACLs. */
async function fleetDenies(fleet: string, cidr: string) {
  const subnets = await h.aws.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }] }),
  );
  const acls = await h.aws.ec2.send(
    new DescribeNetworkAclsCommand({
      Filters: [
        { Name: 'association.subnet-id', Values: (subnets.Subnets ?? []).map((s) => s.SubnetId ?? '') },
      ],
    }),
  );
  return (acls.NetworkAcls ?? []).flatMap((a) =>
    (a.Entries ?? []).filter(
      (e) => (e.CidrBlock ?? e.Ipv6CidrBlock) === cidr && e.RuleAction === 'deny' && !e.Egress,
    ),
  );
}

/** A fleet of one whose monitor runs while `body` does, and is stopped after it. */
async function withMonitoredFleet(name: string, body: (fleet: string, bucket: string) => Promise<void>) {
  const fleet = `${name}-${process.pid}`;
  await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
  const monitor = await h.startMonitor(fleet);
  try {
    await body(fleet, testConfig().flowLogBucket);
  } finally {
    await monitor.signal(stopMonitoringSignal);
  }
}

/** A flood from `count` /64s of the site `cidr` in turn, and its MANUAL incident once it asks. */
async function siteFloodAsking(fleet: string, bucket: string, cidr: string, count: number) {
  const sources = sourcesIn(cidr, count);
  if (!Array.isArray(sources)) throw new Error(sources.refused);
  await trafficFlood(h.aws.s3, bucket, fleet, sources, 1500);
  const incident = h.env.client.workflow.getHandle(trafficFloodIncidentId(cidr));
  return { incident, asked: await h.stateWhen(incident, 'awaiting_approval') };
}

describe('traffic flood from one source', () => {
  test('flow logs show it, the monitoring agent opens an incident, the source is denied, then lifted', async () => {
    const fleet = `flood-${process.pid}`;
    await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const bucket = testConfig().flowLogBucket;
    // Ordinary traffic only: nothing happens.
    await trafficFlood(h.aws.s3, bucket, fleet, '198.51.100.7', 50);
    const monitor = await h.startMonitor(fleet);
    try {
      await trafficFlood(h.aws.s3, bucket, fleet, '203.0.113.99', 1500);
      const incident = h.env.client.workflow.getHandle(trafficFloodIncidentId('203.0.113.99/32'));
      const resolved = await h.stateWhen(incident, 'resolved');
      expect(resolved).toMatchObject({
        kind: 'traffic-flood',
        mode: 'auto',
        severity: 'high',
        resourceId: '203.0.113.99/32',
      });
      expect(resolved.summary).toMatch(
        /^Traffic flood from 203\.0\.113\.99\/32: 1500 flows \(\d+ % of all, 360000 bytes\) in the flow logs/,
      );
      expect(resolved.report?.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['deny-source', 'succeeded'],
      ]);
      expect(await fleetDenies(fleet, '203.0.113.99/32')).toHaveLength(1);
      // The ordinary clients were never treated as a flood.
      await expect(
        h.env.client.workflow.getHandle(trafficFloodIncidentId('198.51.100.7/32')).describe(),
      ).rejects.toThrow();

      // The flood goes on: the next delivery joins the open incident instead of opening another.
      await trafficFlood(h.aws.s3, bucket, fleet, '203.0.113.99', 1500);
      await eventually(
        async () => ((await incident.query(incidentStateQuery)).alertCount === 2 ? true : undefined),
        20_000,
        'the second sighting on the same incident',
      );

      await incident.signal(liftBlockSignal);
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess.map((s) => s.action)).toEqual(['deny-source', 'lift-source-block']);
      expect(await fleetDenies(fleet, '203.0.113.99/32')).toEqual([]);
    } finally {
      await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);

  test('an IPv6 host flooding from many addresses of its /64 is one source: the /64 is denied, then lifted', async () => {
    await withMonitoredFleet('flood6', async (fleet, bucket) => {
      // The same host under three of its privacy addresses, 500 flows each: no address is half.
      const addresses = ['2001:db8:7:1::a', '2001:db8:7:1:8000::b', '2001:db8:7:1::c'];
      await trafficFlood(h.aws.s3, bucket, fleet, addresses, 1500);
      const cidr = '2001:db8:7:1::/64';
      const incident = h.env.client.workflow.getHandle(trafficFloodIncidentId(cidr));
      const resolved = await h.stateWhen(incident, 'resolved');
      expect(resolved).toMatchObject({ kind: 'traffic-flood', resourceId: cidr });
      expect(resolved.plan[0].reason).toContain("narrow (an IPv6 host's /64)");
      expect(resolved.summary).toMatch(
        /^Traffic flood from 2001:db8:7:1::\/64: 1500 flows \(\d+ % of all, 360000 bytes\) from 3 of its addresses, most from 2001:db8:7:1:[0-9a-f:]+, in the flow logs/,
      );
      expect(await fleetDenies(fleet, cidr)).toHaveLength(1);
      await incident.signal(liftBlockSignal);
      await incident.result();
      expect(await fleetDenies(fleet, cidr)).toEqual([]);
    });
  }, 120_000);

  test('a flood rotating through the /64s of one /48 is the /48: MANUAL, denied once a person approves, then lifted', async () => {
    await withMonitoredFleet('flood48', async (fleet, bucket) => {
      // 24 of the site's /64s in turn, about 62 flows each: no source is 5 % of the traffic.
      const cidr = '2001:db8:48::/48';
      const { incident, asked } = await siteFloodAsking(fleet, bucket, cidr, 24);
      expect(asked).toMatchObject({ kind: 'traffic-flood', mode: 'manual', resourceId: cidr });
      expect(asked.summary).toMatch(/from 24 of its sources \(24 addresses\), most from 2001:db8:48:/);
      expect(asked.plan[0].reason).toContain('broad (an IPv6 /48)');
      // Nothing is denied before the person says so.
      expect(await fleetDenies(fleet, cidr)).toEqual([]);

      await incident.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'oncall' }] });
      await h.stateWhen(incident, 'resolved');
      expect(await fleetDenies(fleet, cidr)).toHaveLength(1);
      await incident.signal(liftBlockSignal);
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['deny-source', 'succeeded'],
        ['lift-source-block', 'succeeded'],
      ]);
      expect(await fleetDenies(fleet, cidr)).toEqual([]);
    });
  }, 120_000);

  test('a flood split over two addresses is each of them, MANUAL: the one a person approves is denied, the other not', async () => {
    await withMonitoredFleet('floodpair', async (fleet, bucket) => {
      // 1 500 flows from each, in turn: 45 % apiece, so neither floods alone.
      const pair = ['203.0.113.201', '192.0.2.202'];
      await trafficFlood(h.aws.s3, bucket, fleet, pair, 3000);
      const [first, second] = pair.map((address) =>
        h.env.client.workflow.getHandle(trafficFloodIncidentId(`${address}/32`)),
      );
      for (const incident of [first, second]) {
        const asked = await h.stateWhen(incident, 'awaiting_approval');
        expect(asked).toMatchObject({ kind: 'traffic-flood', mode: 'manual' });
        expect(asked.summary).toMatch(/one of 2 sources that together sent 91 % of all/);
        expect(asked.plan[0].reason).toContain('narrow (one address)');
      }
      expect(await fleetDenies(fleet, '203.0.113.201/32')).toEqual([]);

      await first.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'oncall' }] });
      await second.executeUpdate(decisionUpdate, {
        args: [{ decision: 'decline', by: 'oncall', reason: "a partner's batch job" }],
      });
      await h.stateWhen(first, 'resolved');
      expect(((await second.result()) as IncidentReport).outcome).toBe('declined');
      expect(await fleetDenies(fleet, '203.0.113.201/32')).toHaveLength(1);
      expect(await fleetDenies(fleet, '192.0.2.202/32')).toEqual([]);
      await first.signal(liftBlockSignal);
      await first.result();
      expect(await fleetDenies(fleet, '203.0.113.201/32')).toEqual([]);
    });
  }, 120_000);

  test('flow logs in a format without bytes: the monitor says its fleet is blind to floods, until a delivery it can read', async () => {
    await withMonitoredFleet('floodblind', async (fleet, bucket) => {
      const key = `${flowLogPrefix(fleet)}${new Date().toISOString()}-nobytes.log`;
      const header = 'version srcaddr dstaddr srcport dstport packets start action log-status';
      const start = Math.floor(Date.now() / 1000);
      const lines = Array.from(
        { length: 1500 },
        (_, i) => `5 203.0.113.88 10.0.1.10 ${40000 + i} 80 4 ${start} ACCEPT OK`,
      );
      await createModelStore(h.aws.s3, bucket).ensureBucket();
      await h.aws.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: [header, ...lines].join('\n') }),
      );
      const blind = await eventually(
        async () => (await runningMonitors(h.env.client)).find((m) => m.fleet === fleet && m.flowLogProblem),
        30_000,
        'the monitor reporting its unreadable flow logs',
      );
      expect(blind.flowLogProblem).toMatchObject({
        key,
        deliveries: 1,
        reason: expect.stringContaining('no bytes'),
      });
      expect(flowLogNote(blind)).toContain('floods against it go unseen');
      // The flood in it opened nothing: it could not be counted.
      await expect(
        h.env.client.workflow.getHandle(trafficFloodIncidentId('203.0.113.88/32')).describe(),
      ).rejects.toThrow();

      // The flow log is fixed: the next delivery is read, and the note goes.
      await trafficFlood(h.aws.s3, bucket, fleet, '198.51.100.9', 10);
      await eventually(
        async () =>
          (await runningMonitors(h.env.client)).some((m) => m.fleet === fleet && !m.flowLogProblem) ||
          undefined,
        30_000,
        'the note gone once a readable delivery came',
      );
    });
  }, 120_000);

  test("a site's flood a person declined is not asked about again while the decline holds", async () => {
    await withMonitoredFleet('floodno', async (fleet, bucket) => {
      const cidr = '2001:db8:4e::/48';
      const { incident } = await siteFloodAsking(fleet, bucket, cidr, 12);
      await incident.executeUpdate(decisionUpdate, {
        args: [{ decision: 'decline', by: 'oncall', reason: "our partner's office" }],
      });
      expect(((await incident.result()) as IncidentReport).outcome).toBe('declined');
      const declinedRun = (await incident.describe()).runId;

      // The partner keeps sending: the next delivery's flood finds the decline and opens nothing.
      const flows = createFlowLogActivities(h.aws.s3, bucket, h.env.client);
      const seen = await flows.scanFlowLogs({ fleet });
      const [flood] = seen.floods;
      expect(flood?.cidr).toBe(cidr);
      const again = await flows.openTrafficFloodIncident({ fleet, flood });
      expect(again).toMatchObject({ created: false, held: { outcome: 'declined' } });
      expect((await incident.describe()).runId).toBe(declinedRun);
      expect(await fleetDenies(fleet, cidr)).toEqual([]);
    });
  }, 120_000);

  test('the same source flooding a second fleet while its block holds: the block follows it there, and lifts both', async () => {
    const first = `floodA-${process.pid}`;
    const second = `floodB-${process.pid}`;
    await createFleet(h.aws, { fleet: first, size: 1, manualCount: 0 });
    await createFleet(h.aws, { fleet: second, size: 1, manualCount: 0 });
    const bucket = testConfig().flowLogBucket;
    const monitors = [await h.startMonitor(first), await h.startMonitor(second)];
    try {
      await trafficFlood(h.aws.s3, bucket, first, '203.0.113.150', 1500);
      const cidr = '203.0.113.150/32';
      const incident = h.env.client.workflow.getHandle(trafficFloodIncidentId(cidr));
      await h.stateWhen(incident, 'resolved');
      expect(await fleetDenies(first, cidr)).toHaveLength(1);
      expect(await fleetDenies(second, cidr)).toEqual([]);

      await trafficFlood(h.aws.s3, bucket, second, '203.0.113.150', 1500);
      await eventually(
        async () => ((await fleetDenies(second, cidr)).length === 1 ? true : undefined),
        30_000,
        "the deny in the second fleet's ACL",
      );
      // The deny lands before the workflow has verified it and said so.
      const timeline = await eventually(
        async () => {
          const messages = (await incident.query(incidentStateQuery)).timeline.map((t) => t.message);
          return messages.some((m) => m.includes(`denied in ${second} too`)) ? messages : undefined;
        },
        20_000,
        'the extension on the timeline',
      );
      expect(timeline.some((m) => m.includes(`in ${second}'s flow logs`))).toBe(true);

      await incident.signal(liftBlockSignal);
      const report = (await incident.result()) as IncidentReport;
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
        ['deny-source', 'succeeded'],
        ['deny-source', 'succeeded'],
        ['lift-source-block', 'succeeded'],
      ]);
      expect(await fleetDenies(first, cidr)).toEqual([]);
      expect(await fleetDenies(second, cidr)).toEqual([]);
      await saveHistory(incident, 'auto-flood-block-follows-fleet');
    } finally {
      for (const monitor of monitors) await monitor.signal(stopMonitoringSignal);
    }
  }, 120_000);
});
