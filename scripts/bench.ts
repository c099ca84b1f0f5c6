import { join } from 'node:path';
import { createAwsClients } from '../activities/aws-clients';
import { createChaos } from '../activities/chaos';
import { createFleet } from '../activities/fleet';
import { startMonitorFromConfig, stopMonitor } from '../activities/monitor-starter';
import { createApiClient } from '../cli/api-client';
import { loadConfig } from '../domain/config';
import { fleetMonitorWorkflowId } from '../domain/ids';
import type { IncidentReport, TimelineEntry } from '../domain/incident';
import { stormBench } from './bench-storm';
import { measureBaselines, type Baselines } from './bench-baselines';
import { pct, table, timed } from './bench-support';
import { soakBench } from './bench-soak';
import { workerScalingBench } from './bench-workers';
import { waitingBench } from './bench-waiting';
import { historyShape, type HistoryShape } from './bench-history';
import { flowLogBench } from './bench-flow-logs';
import { Client, Connection } from '@temporalio/client';

/**
 * `make bench`: latency figures of the spine on the local stack, printed as a table. Faults are
 * injected on N instances at once; MANUAL incidents are approved over the HTTP API.
 */
const config = loadConfig(process.env);
const api = createApiClient(config);
const call = api.request;
const size = Number(process.env.MEDIC_BENCH_SIZE ?? 10);
const datasetDir =
  process.env.MEDIC_NAB_DATASET ?? join(__dirname, '..', '..', '..', 'shared', 'datasets', 'nab-dev');

interface View {
  id: string;
  status: string;
  openedAt: string;
  timeline?: TimelineEntry[];
  report?: IncidentReport;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each figure's p50 (ms) or rate (/s), kept for the comparison with its baseline at the end. */
const figures: Partial<Record<FigureName, number>> = {};
type FigureName = 'alertToStartedMs' | 'apiCreateMs' | 'approvalToStepMs' | 'incidentsPerSecond';
let baseline: Baselines | undefined;

async function storm(): Promise<void> {
  const { lines, alertToStartedMs, completedPerSecond } = await stormBench(api, {
    alerts: Number(process.env.MEDIC_BENCH_STORM_ALERTS ?? 10_000),
    resources: Number(process.env.MEDIC_BENCH_STORM_RESOURCES ?? 100),
    batch: 1000,
  });
  figures.alertToStartedMs = alertToStartedMs;
  figures.incidentsPerSecond = completedPerSecond;
  console.log(`\nalert ingestion and storm — ${new Date().toISOString()}\n`);
  for (const line of lines) console.log(line);
}

async function spine(): Promise<void> {
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  const chaos = createChaos(aws.ec2, aws.cloudwatch);
  const fleetName = `bench-${Date.now().toString(36)}`;
  const fleet = await createFleet(aws, { fleet: fleetName, size, manualCount: 0 });
  await startMonitorFromConfig(config, fleetName, { stopEarlier: 'bench-' });
  // Steady state: the fault lands at a random phase of a running loop, not just before its first
  // scan (which made the figure a race between the first scan and the chaos calls).
  await withTemporal((client) => firstScanDone(client, fleetMonitorWorkflowId(fleetName)));
  const ids = fleet.instances.map((i) => i.instanceId);

  // AUTO: a failed status check on every instance at once, found by the detection loop.
  const detect: number[] = [];
  const heal: number[] = [];
  const autoIds: string[] = [];
  const manualIds: string[] = [];
  const injectedAt = Date.now();
  await Promise.all(ids.map((id) => chaos.statusCheckFailed(id)));
  await Promise.all(
    ids.map(async (id) => {
      const opened = await until(`incident on ${id}`, async () => {
        const { incidents } = await call<{ incidents: View[] }>(
          'GET',
          `/incidents?resourceId=${id}&kind=status-check-failed`,
        );
        return incidents[0];
      });
      detect.push(Date.parse(opened.openedAt) - injectedAt);
      const done = await until(`${opened.id} resolved`, async () => {
        const v = await call<View>('GET', `/incidents/${opened.id}`);
        return v.report ? v : undefined;
      });
      if (done.report?.outcome !== 'resolved') throw new Error(`${done.id} ended ${done.report?.outcome}`);
      autoIds.push(done.id);
      heal.push(Date.now() - injectedAt);
    }),
  );

  // MANUAL: stopped instances, incidents opened over the API, approved over the API.
  const approveToStep: number[] = [];
  const apiList: number[] = [];
  const apiDecision: number[] = [];
  const apiCreate: number[] = [];
  await Promise.all(ids.map((id) => chaos.stopInstance(id)));
  await Promise.all(
    ids.map(async (id) => {
      const created = await timed(apiCreate, () =>
        call<{ id: string }>('POST', '/incidents', {
          resourceId: id,
          kind: 'instance-stopped',
          mode: 'manual',
        }),
      );
      await until(`${created.id} awaiting approval`, async () => {
        const v = await timed(apiList, () =>
          call<{ incidents: View[] }>('GET', `/incidents?resourceId=${id}&status=awaiting_approval`),
        );
        return v.incidents[0];
      });
      const sentAt = Date.now();
      await timed(apiDecision, () =>
        call('POST', `/incidents/${created.id}/decision`, { decision: 'approve', by: 'bench' }),
      );
      const done = await until(`${created.id} resolved`, async () => {
        const v = await call<View>('GET', `/incidents/${created.id}`);
        return v.report ? v : undefined;
      });
      const firstStep = done.timeline?.find((t) => t.status === 'remediating');
      if (!firstStep) throw new Error(`${created.id} has no remediation step`);
      manualIds.push(created.id);
      approveToStep.push(Date.parse(firstStep.at) - sentAt);
    }),
  );
  // One at a time: the latency of the decision path itself, with no queue at the budget. Fresh
  // instances: the same fault on the instances above would join their incidents, which stay open
  // through the flapping cool-down.
  const approveToStepAlone: number[] = [];
  const alone = await createFleet(aws, { fleet: `${fleetName}-alone`, size: 5, manualCount: 0 });
  for (const id of alone.instances.map((i) => i.instanceId)) {
    await chaos.stopInstance(id);
    const created = await call<{ id: string }>('POST', '/incidents', {
      resourceId: id,
      kind: 'instance-stopped',
      mode: 'manual',
    });
    await until(`${created.id} awaiting approval`, async () => {
      const v = await call<View>('GET', `/incidents/${created.id}`);
      return v.status === 'awaiting_approval' ? v : undefined;
    });
    const sentAt = Date.now();
    await call('POST', `/incidents/${created.id}/decision`, { decision: 'approve', by: 'bench' });
    const done = await until(`${created.id} resolved`, async () => {
      const v = await call<View>('GET', `/incidents/${created.id}`);
      return v.report ? v : undefined;
    });
    const firstStep = done.timeline?.find((t) => t.status === 'remediating');
    if (firstStep) approveToStepAlone.push(Date.parse(firstStep.at) - sentAt);
  }

  figures.approvalToStepMs = pct(approveToStepAlone, 50);
  figures.apiCreateMs = pct(apiCreate, 50);
  const shapes = await withTemporal(async (client) => {
    await stopMonitor(client, fleetName);
    return {
      auto: await Promise.all(autoIds.map((id) => historyShape(client, id))),
      manual: await Promise.all(manualIds.map((id) => historyShape(client, id))),
    };
  });
  const rows: [string, number[]][] = [
    [`fault → incident opened (detection, interval ${config.detectionIntervalSeconds}s)`, detect],
    [`fault → incident resolved (AUTO, ${size} at once, budget ${config.maxConcurrentRemediations})`, heal],
    ['approval sent → first remediation step (one at a time)', approveToStepAlone],
    [
      `approval sent → first step (${size} at once, budget ${config.maxConcurrentRemediations})`,
      approveToStep,
    ],
    ['API POST /incidents', apiCreate],
    ['API GET /incidents?… (visibility list)', apiList],
    ['API POST /incidents/:id/decision (update round trip)', apiDecision],
  ];
  printHistoryShapes(shapes);
  console.log(`\ncloud-medic spine benchmark — ${size} instances at once, ${new Date().toISOString()}\n`);
  console.log(
    `${'figure'.padEnd(60)} ${'n'.padStart(5)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`,
  );
  for (const [name, xs] of rows) {
    console.log(
      `${name.padEnd(60)} ${String(xs.length).padStart(5)} ${pct(xs, 50).toFixed(0).padStart(9)} ${pct(xs, 99).toFixed(0).padStart(9)} ${Math.max(
        ...xs,
      )
        .toFixed(0)
        .padStart(9)}`,
    );
  }
}

/** Mean history size of the incidents above: the inputs of docs/capacity.md. */
function printHistoryShapes(shapes: Record<'auto' | 'manual', HistoryShape[]>): void {
  const mean = (xs: HistoryShape[], key: keyof HistoryShape) =>
    xs.reduce((a, x) => a + x[key], 0) / xs.length;
  const rows = Object.entries(shapes).map(([name, xs]) => [
    `${name === 'auto' ? 'AUTO status-check-failed' : 'MANUAL instance-stopped, approved'} (n=${xs.length})`,
    mean(xs, 'events').toFixed(0),
    mean(xs, 'workflowTasks').toFixed(0),
    mean(xs, 'activities').toFixed(0),
    mean(xs, 'timers').toFixed(0),
    (mean(xs, 'bytes') / 1024).toFixed(1),
  ]);
  console.log(`\nwhat one incident costs the server (history at resolution, before the cool-down ends)\n`);
  console.log(table(['incident', 'events', 'workflow tasks', 'activities', 'timers', 'KiB'], rows));
}

async function waiting(): Promise<void> {
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  await withTemporal(async (temporal) => {
    const incidents = Number(process.env.MEDIC_BENCH_WAITING ?? 10_000);
    console.log(`\n${await waitingBench(aws, api, temporal, { incidents, run: Date.now().toString(36) })}`);
  });
}

/** Waits until the fleet monitor has completed its first scan. */
async function firstScanDone(client: Client, workflowId: string): Promise<void> {
  await until(`${workflowId} first scan`, async () => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).some((e) => e.activityTaskCompletedEventAttributes) ? true : undefined;
  });
}

async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: config.temporalAddress });
  try {
    return await fn(new Client({ connection, namespace: config.temporalNamespace }));
  } finally {
    await connection.close();
  }
}

async function baselines(): Promise<void> {
  baseline = await withTemporal((client) => measureBaselines(client, Date.now().toString(36), datasetDir));
  const b = baseline;
  console.log(`\nbaselines (same machine, same run) — ${new Date().toISOString()}\n`);
  console.log(
    table(
      ['baseline', 'value'],
      [
        ['bare signal-with-start (p50, 10 at once)', `${b.signalWithStartMs.toFixed(1)} ms`],
        ['trivial workflow: signal → activity start (p50)', `${b.signalToActivityMs.toFixed(1)} ms`],
        ['trivial workflows end to end (3 activities each)', `${b.trivialWorkflowsPerSecond.toFixed(1)} /s`],
        [
          'running mean/variance over the NAB dev points',
          `${(b.runningStatsPointsPerSecond / 1e6).toFixed(1)} M points/s`,
        ],
        ['the shipped detector, same points', `${(b.detectorPointsPerSecond / 1e6).toFixed(1)} M points/s`],
      ],
    ),
  );
}

async function soak(): Promise<void> {
  const minutes = Number(process.env.MEDIC_BENCH_SOAK_MINUTES ?? 10);
  console.log(
    `\n${await soakBench(api, { minutes, alertsPerSecond: Number(process.env.MEDIC_BENCH_SOAK_RATE ?? 5) })}`,
  );
}

/**
 * Two regimes: workers with few activity slots (each worker is the limit, as when a cluster is sized
 * by worker slots) and with many (the server, here sharing two cores, is the limit).
 */
async function workers(): Promise<void> {
  const run = Date.now().toString(36);
  const workflows = Number(process.env.MEDIC_BENCH_SCALE_WORKFLOWS ?? 300);
  for (const [regime, slots] of [
    ['worker-bound', 2],
    ['server-bound', 10],
  ] as const) {
    const output = await withTemporal((client) =>
      workerScalingBench(client, `${run}-${regime}`, {
        workflows,
        steps: 4,
        callMs: 100,
        slots,
        counts: [1, 2, 4],
      }),
    );
    console.log(`\n${regime}: ${output}`);
  }
}

/** Every figure beside what it is judged against: how many times the bare Temporal path it costs. */
function comparison(): void {
  const b = baseline;
  if (!b) return;
  const rows: (string | number)[][] = [];
  const add = (name: string, value: number | undefined, against: string, base: number, unit: string) => {
    if (value === undefined) return;
    rows.push([
      name,
      `${value.toFixed(1)} ${unit}`,
      against,
      `${base.toFixed(1)} ${unit}`,
      (value / base).toFixed(2),
    ]);
  };
  add(
    'alert → incident started (p50)',
    figures.alertToStartedMs,
    'bare signal-with-start',
    b.signalWithStartMs,
    'ms',
  );
  add('API POST /incidents (p50)', figures.apiCreateMs, 'bare signal-with-start', b.signalWithStartMs, 'ms');
  add(
    'approval → first remediation step (p50)',
    figures.approvalToStepMs,
    'signal → activity',
    b.signalToActivityMs,
    'ms',
  );
  add(
    'storm incidents completed',
    figures.incidentsPerSecond,
    'trivial workflows',
    b.trivialWorkflowsPerSecond,
    '/s',
  );
  rows.push([
    'detector throughput',
    `${(b.detectorPointsPerSecond / 1e6).toFixed(1)} M/s`,
    'running mean/variance',
    `${(b.runningStatsPointsPerSecond / 1e6).toFixed(1)} M/s`,
    (b.detectorPointsPerSecond / b.runningStatsPointsPerSecond).toFixed(2),
  ]);
  console.log(`\nfigures beside their baselines (ratio = figure / baseline)\n`);
  console.log(table(['figure', 'value', 'baseline', 'baseline value', 'ratio'], rows));
}

/** A scan of 500 000 records: a busy fleet's ten minutes of flow logs, in one process, no stack. */
function flowLogs(): Promise<void> {
  const records = Number(process.env.MEDIC_BENCH_FLOW_RECORDS ?? 500_000);
  console.log(`\n${flowLogBench({ records, networks: Math.ceil(records / 50), repeats: 5 })}`);
  return Promise.resolve();
}

/** `MEDIC_BENCH_ONLY=storm,waiting` runs some sections; by default all run, in this order. */
const SECTIONS: Record<string, () => Promise<void>> = {
  baselines,
  flowLogs,
  spine,
  storm,
  waiting,
  soak,
  workers,
};

async function main(): Promise<void> {
  const only = process.env.MEDIC_BENCH_ONLY?.split(',').map((s) => s.trim());
  for (const [name, run] of Object.entries(SECTIONS)) if (!only || only.includes(name)) await run();
  comparison();
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exit(1);
});
