import { createAwsClients } from '../activities/aws-clients';
import { createChaos } from '../activities/chaos';
import { createFleet } from '../activities/fleet';
import { startMonitorFromConfig } from '../activities/monitor-starter';
import { createApiClient } from '../cli/api-client';
import { loadConfig } from '../domain/config';
import type { IncidentReport, TimelineEntry } from '../domain/incident';
import { stormBench } from './bench-storm';

/**
 * `make bench`: latency figures of the spine on the local stack, printed as a table. Faults are
 * injected on N instances at once; MANUAL incidents are approved over the HTTP API.
 */
const config = loadConfig(process.env);
const api = createApiClient(config);
const call = api.request;
const size = Number(process.env.MEDIC_BENCH_SIZE ?? 10);

interface View {
  id: string;
  status: string;
  openedAt: string;
  timeline?: TimelineEntry[];
  report?: IncidentReport;
}

async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    samples.push(performance.now() - t);
  }
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

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

async function storm(): Promise<void> {
  const lines = await stormBench(api, {
    alerts: Number(process.env.MEDIC_BENCH_STORM_ALERTS ?? 10_000),
    resources: Number(process.env.MEDIC_BENCH_STORM_RESOURCES ?? 100),
    batch: 1000,
  });
  console.log(`\nalert ingestion and storm — ${new Date().toISOString()}\n`);
  for (const line of lines) console.log(line);
}

async function main(): Promise<void> {
  if (process.env.MEDIC_BENCH_ONLY === 'storm') return storm();
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  const chaos = createChaos(aws.ec2, aws.cloudwatch);
  const fleetName = `bench-${Date.now().toString(36)}`;
  const fleet = await createFleet(aws, { fleet: fleetName, size, manualCount: 0 });
  await startMonitorFromConfig(config, fleetName);
  const ids = fleet.instances.map((i) => i.instanceId);

  // AUTO: a failed status check on every instance at once, found by the detection loop.
  const detect: number[] = [];
  const heal: number[] = [];
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
  await storm();
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exit(1);
});
