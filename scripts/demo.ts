import { join } from 'node:path';
import { activeVersion, createModelStore } from '../activities/model-store';
import { TASK_QUEUES } from '../domain/config';
import type { RetrainResult } from '../workflows/retrain';
import { withTemporal } from '../workers/temporal-client';
import { createAwsClients } from '../activities/aws-clients';
import { createChaos, exfiltrationFlows, trafficFlood } from '../activities/chaos';
import { ruleKey } from '../domain/security';
import { INCIDENT_TYPES_CLAUSE } from '../domain/ids';
import { sourcesIn } from '../domain/network-block';
import { createFleet } from '../activities/fleet';
import { createFleetAutoScalingGroup, launchedMembers } from '../activities/fleet-group';
import { createNetwork, putGroupBehindBalancer } from '../activities/fleet-balancer';
import { createBalancerChaos } from '../activities/balancer-chaos';
import { startMonitorFromConfig } from '../activities/monitor-starter';
import { createApiClient } from '../cli/api-client';
import type { RunningMonitor } from '../domain/monitor-view';
import { alertmanagerPayload } from '../test/support/alertmanager';
import { loadConfig } from '../domain/config';
import type { IncidentReport, TimelineEntry } from '../domain/incident';

/**
 * `make demo`: break an emulated fleet ten ways and watch cloud-medic handle each — one AUTO heal,
 * one AUTO heal whose first step the learned remediation policy chose, one MANUAL incident approved
 * over the HTTP API, one MANUAL incident declined, a traffic surge on an instance outside any group
 * (handed to a person: there is no capacity to add), data leaving an AUTO instance (a person approves
 * its isolation, whatever the mode), the same data going to a trusted backup, a group member whose
 * application died (rebooted, verified when it serves again), a tier behind a balancer whose members all
 * stopped serving at once (a person is asked; it recovers by itself first and closes without a restart),
 * an instance under a maintenance window left alone — and the security agent close an open port,
 * deny a flood from one IPv6 host hopping between addresses of its /64, ask a person before
 * denying a flood that rotates through the /64s of one /48, and ask about each of two addresses that
 * split one flood.
 */
const config = loadConfig(process.env);
const api = createApiClient(config);
const call = api.request;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const say = (s: string) => console.log(`${elapsed()}  ${s}`);

interface IncidentView {
  id: string;
  runId: string;
  status: string;
  mode?: string;
  openedAt: string;
  webUiUrl: string;
  timeline?: TimelineEntry[];
  report?: IncidentReport;
}

/** Inside the demo's trusted range (`MEDIC_TRUSTED_EGRESS=backup=192.0.2.0/28`, scripts/env.sh). */
const DEMO_BACKUP_ADDRESS = '192.0.2.5';
/**
 * One IPv6 host's addresses (documentation range), and the /64 a deny covers: a /64 of its own per
 * run, since the last run's block of its /64 holds for an hour and a flood from it would join that.
 */
const DEMO_FLOOD_NETWORK = `2001:db8:${(Date.now() & 0xffff).toString(16)}:1`;
const DEMO_FLOOD_ADDRESSES = [
  `${DEMO_FLOOD_NETWORK}::a`,
  `${DEMO_FLOOD_NETWORK}:8000::b`,
  `${DEMO_FLOOD_NETWORK}::c`,
];
const DEMO_FLOOD_RANGE = `${DEMO_FLOOD_NETWORK}::/64`;
/** A site (another /48 per run than the host's) whose 24 /64s flood in turn (decision 0076). */
const DEMO_SITE_RANGE = `2001:db8:${((Date.now() & 0xffff) ^ 0x8000).toString(16)}::/48`;

/**
 * Two addresses of different networks that split one flood (decision 0079). The last octet follows the
 * minute, so a run within the hour after another finds neither its block nor its decline.
 */
const DEMO_PAIR_OCTET = 16 + (Math.floor(Date.now() / 60_000) % 239);
const DEMO_PAIR_ADDRESSES = [`203.0.113.${DEMO_PAIR_OCTET}`, `192.0.2.${DEMO_PAIR_OCTET}`];

interface Scenario {
  label: string;
  /** The instance, or for the security agent the exposed rule's key (known once injected). */
  resourceId: string;
  fault:
    | 'status-check-failed'
    | 'stop-instance'
    | 'cpu-spike'
    | 'memory-pressure'
    | 'traffic-surge'
    | 'egress-surge'
    | 'backup-egress'
    | 'not-serving'
    | 'group-outage'
    | 'open-ssh'
    | 'ipv6-flood'
    | 'site-flood'
    | 'pair-flood';
  kind: string;
  /**
   * The label of a scenario whose incident must be open before this one is injected: two floods in
   * one scan are each under half the traffic, so neither would be found.
   */
  after?: string;
  decision?: 'approve' | 'decline';
  /** What the operator says with the decision. */
  because?: string;
  /**
   * The action that clears the injected fault, and the load the instance then reports: verification
   * judges the metric after the action, as it would on a real instance, instead of finding no data.
   */
  recovery?: { by: string; says: string; report: (instanceId: string) => Promise<void> };
  /**
   * What ends the fault while a person is still being asked (a shared dependency coming back), said
   * once and reported on every poll from then on, as the instance's agent would.
   */
  whileWaiting?: { says: string; report: (instanceId: string) => Promise<void> };
  recoveredWhileWaiting?: boolean;
  /** The step being taken, from the timeline's "Step N: ACTION on …". */
  acting?: string;
  recovered?: boolean;
  injectedAt?: number;
  incidentId?: string;
  seen: number;
  decidedAt?: number;
  done?: IncidentView;
  figures: Record<string, string>;
}

async function follow(s: Scenario): Promise<void> {
  for (;;) {
    if (!s.incidentId) {
      const { incidents } = await call<{ incidents: IncidentView[] }>(
        'GET',
        `/incidents?resourceId=${encodeURIComponent(s.resourceId)}&kind=${s.kind}`,
      );
      const fresh = incidents.find((i) => Date.parse(i.openedAt) >= (s.injectedAt ?? 0) - 1000);
      if (fresh) {
        s.incidentId = fresh.id;
        s.figures['fault → incident opened'] =
          `${((Date.parse(fresh.openedAt) - (s.injectedAt ?? 0)) / 1000).toFixed(1)}s`;
        say(`${s.label}: incident ${bold(fresh.id)} opened`);
      }
    } else {
      const detail = await call<IncidentView>('GET', `/incidents/${s.incidentId}`);
      for (const entry of (detail.timeline ?? []).slice(s.seen)) {
        say(`${s.label}: [${entry.status}] ${entry.message}`);
        if (entry.status === 'remediating') s.acting = /^Step \d+: (\S+) on /.exec(entry.message)?.[1];
        if (entry.status === 'verifying' && s.recovery && s.acting === s.recovery.by && !s.recovered) {
          s.recovered = true;
          say(`${s.label}: the instance's agent reports ${s.recovery.says} after ${s.acting}`);
        }
      }
      // Reported on every poll, as an agent keeps reporting: verification reads only datapoints from
      // the whole second after the action on, so one sent the instant the step ended may not count.
      if (s.recovered && !detail.report) await s.recovery?.report(s.resourceId);
      if (detail.status === 'awaiting_approval' && s.whileWaiting && !s.recoveredWhileWaiting) {
        s.recoveredWhileWaiting = true;
        say(`${s.label}: ${s.whileWaiting.says}, before anyone answers`);
      }
      if (s.recoveredWhileWaiting && !detail.report) await s.whileWaiting?.report(s.resourceId);
      s.seen = detail.timeline?.length ?? s.seen;
      if (detail.status === 'awaiting_approval' && s.decision && !s.decidedAt) {
        s.decidedAt = Date.now();
        say(
          `${s.label}: ${bold(`operator sends "${s.decision}"`)} through POST /incidents/${s.incidentId}/decision`,
        );
        await call('POST', `/incidents/${s.incidentId}/decision`, {
          decision: s.decision,
          by: 'demo-operator',
          reason:
            s.because ?? (s.decision === 'approve' ? 'safe to restart now' : 'leave it for the owning team'),
        });
      }
      if (detail.report) {
        s.done = detail;
        const firstStep = detail.timeline?.find((t) => t.status === 'remediating');
        if (s.decidedAt && firstStep)
          s.figures['approval → first remediation step'] =
            `${((Date.parse(firstStep.at) - s.decidedAt) / 1000).toFixed(2)}s`;
        s.figures['fault → incident closed'] = `${((Date.now() - (s.injectedAt ?? 0)) / 1000).toFixed(1)}s`;
        return;
      }
    }
    if (Date.now() - (s.injectedAt ?? 0) > 180_000)
      throw new Error(`${s.label} did not finish within 3 minutes`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `report` at most once every ten seconds, however often it is called. */
function everyTenSeconds(report: (instanceId: string) => Promise<void>) {
  let last = 0;
  return async (instanceId: string) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    await report(instanceId);
  };
}

/** Waits until the fleet's monitor has fed the instance's detectors up to `sinceMs` or later. */
async function watched(fleet: string, instanceId: string, sinceMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { monitors } = await call<{ monitors: RunningMonitor[] }>('GET', '/monitors');
    const series = monitors.find((m) => m.fleet === fleet)?.series ?? [];
    if (series.some((w) => w.instanceId === instanceId && Date.parse(w.fedUpTo) >= sinceMs)) return;
    if (Date.now() - started > 120_000)
      throw new Error(`MAINT: the monitor of ${fleet} did not scan ${instanceId} within 2 minutes`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The patched instance's fault, as the monitor and an alert see it during its maintenance window:
 * waits for a scan after the fault (the monitor moves a passed-over instance's detectors to the scan's
 * time), then shows that no incident opened and what an alert on it is told. Ends the window.
 */
async function passedOver(
  fleet: string,
  instanceId: string,
  faultAt: number,
  window: { id: string; endsAt: string; reason: string },
): Promise<string[]> {
  await watched(fleet, instanceId, faultAt);
  const { incidents } = await call<{ incidents: IncidentView[] }>(
    'GET',
    `/incidents?resourceId=${encodeURIComponent(instanceId)}`,
  );
  if (incidents.length > 0)
    throw new Error(`MAINT: ${instanceId} got incident ${incidents[0]?.id} during its window`);
  say(`MAINT  : the monitor scanned ${instanceId} after its fault and passed over it: no incident`);
  const alert = await call<{ results: { action: string; reason?: string }[] }>(
    'POST',
    '/alerts/alertmanager',
    alertmanagerPayload(
      [{ labels: { alertname: 'InstanceStatusCheckFailed', resource_id: instanceId, severity: 'critical' } }],
      'demo-maintenance',
    ),
  );
  await call('DELETE', `/maintenance/${window.id}`);
  return [
    `Reason:             ${window.reason}; the window was to last until ${window.endsAt}`,
    `Monitor:            its failing status checks were passed over, and will not be reported after the window`,
    `Alertmanager alert: ${alert.results[0]?.action ?? '?'}: ${alert.results[0]?.reason ?? ''}`,
    `Window:             ended by the demo (medic maintenance end --id ${window.id})`,
  ];
}

function printReport(s: Scenario): void {
  const d = s.done;
  if (!d?.report) return;
  const r = d.report;
  console.log(`\n${bold(`${s.label} — ${d.id}: ${r.outcome.toUpperCase()}`)}`);
  console.log(`  Issue Detected:     ${r.issueDetected}`);
  console.log(`  Resolution Process: ${r.resolutionProcess.length ? '' : '(no action taken)'}`);
  for (const step of r.resolutionProcess)
    console.log(`    ${step.step}. ${step.action} on ${step.resourceId}: ${step.outcome} (${step.detail})`);
  console.log(`  Reason:             ${r.reason}`);
  console.log(`  Action Taken:       ${r.actionTaken}`);
  console.log(`  Temporal Web UI:    ${d.webUiUrl}`);
  for (const [name, value] of Object.entries(s.figures)) console.log(`  ${name}: ${value}`);
}

/**
 * The remediation policy the incidents consult: the registry's active version, or a first one
 * trained and promoted by the retraining workflow, as `medic model retrain --model remediation-policy` does.
 */
async function ensureRemediationPolicy(aws: ReturnType<typeof createAwsClients>): Promise<void> {
  const store = createModelStore(aws.s3, config.modelBucket);
  await store.ensureBucket();
  const active = await activeVersion(store, 'remediation-policy');
  if (active) {
    say(`remediation policy ${bold(active.version)} is active in the model registry`);
    return;
  }
  await withTemporal(config, async (client) => {
    say('training a first remediation policy on 400 simulated incidents (retrainModelWorkflow)…');
    const run = await client.workflow.start('retrainModelWorkflow', {
      taskQueue: TASK_QUEUES.learning,
      workflowId: `retrain-remediation-policy-demo-${Date.now()}`,
      args: [{ model: 'remediation-policy', examples: 400 }],
    });
    const result = (await run.result()) as RetrainResult;
    say(`remediation policy ${bold(result.candidate.version)}: ${result.reason}`);
  });
}

async function main(): Promise<void> {
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  console.log(
    bold(
      'cloud-medic demo: an emulated fleet of 8, a group of 3 and a tier of 2 behind a load balancer, one fault each (one under planned maintenance, one in the group, one outage of the whole tier), SSH opened to the world, a flood from one IPv6 host, then one rotating through a /48\n',
    ),
  );
  await ensureRemediationPolicy(aws);
  // A fresh fleet per run: re-running the demo must not trip the circuit breaker of the last run's instances.
  const fleetName = `demo-${Date.now().toString(36)}`;
  const fleet = await createFleet(aws, { fleet: fleetName, size: 8, manualCount: 2 }, (m) => say(m));
  // Three members of one Auto Scaling group, as a web tier runs: the fleet's monitor watches them too.
  const group = await createFleetAutoScalingGroup(aws.autoscaling, fleetName, { min: 3, max: 3, desired: 3 });
  const groupMembers = await launchedMembers(aws.autoscaling, group, 3);
  say(`group ${group}: ${groupMembers.join(', ')}`);
  // A second tier of two in a subnet of its own, behind an application load balancer, attached as a
  // group on its health checks is.
  const webNetwork = await createNetwork(aws, 90);
  const webGroup = await createFleetAutoScalingGroup(
    aws.autoscaling,
    fleetName,
    { min: 2, max: 2, desired: 2 },
    'web',
    webNetwork.subnets[0],
  );
  const webMembers = await launchedMembers(aws.autoscaling, webGroup, 2);
  await putGroupBehindBalancer(aws, webGroup, `${fleetName}-web`.slice(0, 28), webNetwork);
  say(`group ${webGroup} behind load balancer ${fleetName}-web-lb: ${webMembers.join(', ')}`);
  await startMonitorFromConfig(config, fleetName, { stopEarlier: 'demo-' });
  say(`fleet ${fleetName}: its detection loop polls every ${config.detectionIntervalSeconds}s`);

  const auto = fleet.instances.filter((i) => i.mode === 'auto' && i.state === 'running');
  const manual = fleet.instances.filter((i) => i.mode === 'manual' && i.state === 'running');
  if (auto.length < 6 || manual.length < 2)
    throw new Error(`fleet ${fleetName} did not come up with 6 AUTO and 2 MANUAL running instances`);
  const chaos = createChaos(aws.ec2, aws.cloudwatch);
  const scenarios: Scenario[] = [
    {
      label: 'AUTO   ',
      resourceId: auto[0].instanceId,
      fault: 'status-check-failed',
      kind: 'status-check-failed',
      seen: 0,
      figures: {},
    },
    {
      // Memory nearly full and swapping, CPU pinned: the plan offers one size up after the reboot,
      // and the policy, which learnt what memory-starved instances need, moves it first.
      label: 'LEARNED',
      resourceId: auto[1].instanceId,
      fault: 'memory-pressure',
      kind: 'cpu-high',
      // More memory is what clears it; a reboot alone would not, so only a resize brings the load down.
      recovery: { by: 'resize-instance', says: 'CPU back to 21 %', report: chaos.settledCpu },
      seen: 0,
      figures: {},
    },
    {
      label: 'APPROVE',
      resourceId: manual[0].instanceId,
      fault: 'stop-instance',
      kind: 'instance-stopped',
      decision: 'approve',
      seen: 0,
      figures: {},
    },
    {
      label: 'DECLINE',
      resourceId: manual[1].instanceId,
      fault: 'cpu-spike',
      kind: 'cpu-high',
      decision: 'decline',
      seen: 0,
      figures: {},
    },
    {
      // Half an hour of usual traffic, then thirty times it: the monitor's new network detector learns
      // the half hour from CloudWatch, then judges. Outside any group nothing may be added: a person decides.
      label: 'SURGE  ',
      resourceId: auto[2].instanceId,
      fault: 'traffic-surge',
      kind: 'traffic-surge',
      seen: 0,
      figures: {},
    },
    {
      // Outbound traffic sixty times its usual half hour, most of it to one address in the flow logs:
      // an AUTO instance, yet a person decides (a detector's suspicion), and approves the isolation.
      label: 'EXFIL  ',
      resourceId: auto[3].instanceId,
      fault: 'egress-surge',
      kind: 'egress-surge',
      decision: 'approve',
      because: 'nobody here sends data to that address: isolate it',
      seen: 0,
      figures: {},
    },
    {
      // The same surge, to the backup vault the operator trusts (MEDIC_TRUSTED_EGRESS in scripts/env.sh):
      // the flow logs prove where it went, so it closes with nothing isolated and nobody asked.
      label: 'BACKUP ',
      resourceId: auto[4].instanceId,
      fault: 'backup-egress',
      kind: 'egress-surge',
      seen: 0,
      figures: {},
    },
    {
      // A member of the fleet's group whose application died while its two siblings serve: nothing EC2
      // checks fails; its requests stopping, beside theirs, says so. The reboot brings it back.
      label: 'DEAD   ',
      resourceId: groupMembers[0] ?? '',
      fault: 'not-serving',
      kind: 'not-serving',
      // One datapoint each ten seconds, as the agent reports: requests are summed, not averaged.
      recovery: {
        by: 'reboot-instance',
        says: 'requests served again',
        report: everyTenSeconds((id) => chaos.serving(id, 10)),
      },
      seen: 0,
      figures: {},
    },
    ...webMembers.map((member): Scenario => ({
      // Both members of the balanced tier stop answering at once (the database they share went away):
      // no sibling serves, but the balancer still routes them requests nobody answers. A person is
      // asked whatever the mode; the database comes back first, and each incident closes by itself.
      label: 'OUTAGE ',
      resourceId: member,
      fault: 'group-outage',
      kind: 'not-serving',
      whileWaiting: {
        says: `the shared database is back: ${member} serves again`,
        report: everyTenSeconds((id) => chaos.serving(id, 10)),
      },
      seen: 0,
      figures: {},
    })),
    {
      label: 'SECURE ',
      resourceId: '',
      fault: 'open-ssh',
      kind: 'security-group-open',
      seen: 0,
      figures: {},
    },
    {
      label: 'FLOOD  ',
      resourceId: DEMO_FLOOD_RANGE,
      fault: 'ipv6-flood',
      kind: 'traffic-flood',
      seen: 0,
      figures: {},
    },
    {
      // The same flood from 24 /64s of one /48 in turn: each /64 is 4 % of the traffic, the /48 most
      // of it. A deny of a whole site may cut off its ordinary users too, so a person approves it.
      label: 'SITE   ',
      resourceId: DEMO_SITE_RANGE,
      fault: 'site-flood',
      kind: 'traffic-flood',
      after: 'FLOOD  ',
      decision: 'approve',
      because: 'every /64 of that /48 is in the flood: deny the site for the hour',
      seen: 0,
      figures: {},
    },
    // One flood split over two addresses, 45 % of the flows each: neither floods alone, together they
    // are most of it. Each is its own MANUAL incident, since a service's two biggest clients look the
    // same; the operator knows one of them.
    ...(
      [
        ['approve', 'no client of ours sends from there: deny it for the hour'],
        ['decline', "that is our partner's nightly import: leave it"],
      ] as const
    ).map(([decision, because], i): Scenario => ({
      label: `PAIR-${'AB'[i]} `,
      resourceId: `${DEMO_PAIR_ADDRESSES[i]}/32`,
      fault: 'pair-flood',
      kind: 'traffic-flood',
      after: 'SITE   ',
      decision,
      because,
      seen: 0,
      figures: {},
    })),
  ];
  // One flood for both of the pair's scenarios, whichever injects first.
  let pairFlood: Promise<unknown> | undefined;
  // One outage for the whole tier, whichever of its scenarios injects first.
  let outage: Promise<unknown> | undefined;
  const groupOutage = () =>
    (outage ??= chaos
      .groupStopsServing(webMembers[0] ?? '')
      .then(() => createBalancerChaos(aws).routedUnanswered(webGroup, webMembers.length)));
  const inject: Record<Scenario['fault'], (resource: string) => Promise<string>> = {
    'status-check-failed': async (id) => (await chaos.statusCheckFailed(id), id),
    'stop-instance': async (id) => (await chaos.stopInstance(id), id),
    'cpu-spike': async (id) => (await chaos.cpuSpike(id), id),
    'memory-pressure': async (id) => (await chaos.memoryPressure(id), await chaos.cpuSpike(id), id),
    'traffic-surge': async (id) => (await chaos.trafficSurge(id), id),
    'not-serving': async (id) => (await chaos.stopServing(id), id),
    'group-outage': async (id) => (await groupOutage(), id),
    'egress-surge': async (id) => (
      await chaos.egressSurge(id),
      await exfiltrationFlows(aws.ec2, aws.s3, config.flowLogBucket, id),
      id
    ),
    'backup-egress': async (id) => (
      await chaos.egressSurge(id),
      await exfiltrationFlows(aws.ec2, aws.s3, config.flowLogBucket, id, DEMO_BACKUP_ADDRESS),
      id
    ),
    // 1 500 flows from three addresses of one /64 among ordinary clients: no address alone is half
    // the traffic, the /64 is (decision 0073). Denied at the fleet's network ACLs for an hour.
    'ipv6-flood': async (range) => (
      await trafficFlood(aws.s3, config.flowLogBucket, fleetName, DEMO_FLOOD_ADDRESSES, 1500),
      range
    ),
    'site-flood': async (range) => {
      const sources = sourcesIn(range, 24);
      if (!Array.isArray(sources)) throw new Error(`SITE: ${sources.refused}`);
      await trafficFlood(aws.s3, config.flowLogBucket, fleetName, sources, 1500);
      return range;
    },
    'pair-flood': async (range) => (
      await (pairFlood ??= trafficFlood(aws.s3, config.flowLogBucket, fleetName, DEMO_PAIR_ADDRESSES, 3000)),
      range
    ),
    // SSH open to the world on the fleet's security group: the security agent's incident.
    'open-ssh': async () =>
      ruleKey({
        groupId: await chaos.openPortToWorld(fleetName, 22),
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidr: '0.0.0.0/0',
      }),
  };
  // An AUTO instance under planned work (decision 0064): its failing checks are left alone. The
  // monitor learns it first: a passed-over instance shows as its detectors moved to the scan's time.
  const patched = auto[5].instanceId;
  await watched(fleetName, patched, 0);
  const window = await call<{ id: string; endsAt: string; reason: string }>('POST', '/maintenance', {
    instances: [patched],
    durationMinutes: 30,
    reason: 'demo: kernel patch, rebooting',
  });
  say(`MAINT  : maintenance window ${bold(window.id)} on ${patched} until ${window.endsAt}`);
  const injectNow = async (s: Scenario) => {
    s.injectedAt = Date.now();
    s.resourceId = await inject[s.fault](s.resourceId);
    say(`${s.label}: injected ${bold(s.fault)} on ${s.resourceId}`);
  };
  /** A scenario that waits for another's incident is injected, then followed, once that is open. */
  const injectAfter = async (s: Scenario) => {
    const first = scenarios.find((other) => other.label === s.after);
    const deadline = Date.now() + 180_000;
    while (!first?.incidentId) {
      if (Date.now() > deadline)
        throw new Error(`${s.label}: ${(s.after ?? '').trim()} never opened its incident`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await injectNow(s);
    await follow(s);
  };
  for (const s of scenarios) if (!s.after) await injectNow(s);
  const patchedAt = Date.now();
  await chaos.statusCheckFailed(patched);
  say(`MAINT  : injected ${bold('status-check-failed')} on ${patched}`);
  const [maintenance] = await Promise.all([
    passedOver(fleetName, patched, patchedAt, window),
    ...scenarios.map((s) => (s.after ? injectAfter(s) : follow(s))),
  ]);
  console.log(`\n${bold('Final reports')}`);
  scenarios.forEach(printReport);
  console.log(`\n${bold(`MAINT   — ${patched}: NOT HEALED, under maintenance window ${window.id}`)}`);
  for (const line of maintenance) console.log(`  ${line}`);
  console.log(
    `\nAll incidents: ${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows?query=${encodeURIComponent(INCIDENT_TYPES_CLAUSE)}`,
  );
  console.log(
    `Web console: ${config.consoleUrl}/ (log in with the token in ${join(config.dataDir, 'admin-token')})`,
  );
  console.log(`API: ${api.base} (token in ${join(config.dataDir, 'admin-token')})`);
  const shown = manual[1]?.instanceId ?? 'i-…';
  console.log(
    `What the monitor takes for usual on an instance: ${config.consoleUrl}/#/monitors/${fleetName}/${shown}, or npx medic monitor show --fleet ${fleetName} --instance ${shown} (after source scripts/env.sh)`,
  );
  const declined = scenarios.find((s) => s.decision === 'decline')?.incidentId;
  if (declined)
    console.log(
      `Was the declined CPU alarm expected at that hour? npx medic incidents expected --id ${declined} (or fault): its detector's weekly routine learns the answer`,
    );
  console.log(`The stack keeps running; stop it with ${bold('make down')}.`);
}

main().catch((err) => {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exit(1);
});
