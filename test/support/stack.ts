import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAwsClients } from '../../activities/aws-clients';
import { destroyAws } from './env';
import { ROOT } from './env';
import { freePort } from './ports';

const run = promisify(execFile);

export interface LocalStack {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The API's origin, e.g. http://127.0.0.1:41234. */
  api: string;
  /** The admin token `stack.sh up` created. */
  token: string;
  ports: {
    moto: number;
    temporal: number;
    ui: number;
    api: number;
    workerMetrics: number;
    workerSdk: number;
  };
  aws: ReturnType<typeof createAwsClients>;
  /** Runs `scripts/stack.sh <command>` with this stack's environment; throws with its output on failure. */
  stack(command: string): string;
  /** Runs the `medic` CLI against this stack; rejects with the exit code on failure. */
  medic(...args: string[]): Promise<string>;
  /** One JSON API call with the admin token (or none). */
  call(
    method: string,
    path: string,
    body?: unknown,
    auth?: boolean,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): void;
}

/**
 * The whole product as a user runs it, on ports of its own: scripts/stack.sh starts moto, the
 * Temporal dev server, the worker (with its metrics endpoints) and the API.
 */
export async function startLocalStack(extraEnv: Record<string, string> = {}): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medic-it-'));
  const [moto, temporal, ui, apiPort, workerMetrics, workerSdk] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MEDIC_DATA_DIR: dataDir,
    MOTO_PORT: String(moto),
    TEMPORAL_PORT: String(temporal),
    TEMPORAL_UI_PORT: String(ui),
    MEDIC_API_PORT: String(apiPort),
    MEDIC_DETECTION_INTERVAL_SECONDS: '2',
    MEDIC_WORKER_METRICS_PORT: String(workerMetrics),
    MEDIC_WORKER_TELEMETRY_ADDRESS: `127.0.0.1:${workerSdk}`,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${moto}`,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    MEDIC_TEMPORAL_UI_URL: `http://127.0.0.1:${ui}`,
    ...extraEnv,
  };
  const stack = (command: string) => {
    const result = spawnSync('bash', [join(ROOT, 'scripts', 'stack.sh'), command], {
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (result.status !== 0)
      throw new Error(`stack.sh ${command} failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  stack('up');
  const api = `http://127.0.0.1:${apiPort}`;
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const aws = createAwsClients({ region: 'us-east-1', endpoint: env.AWS_ENDPOINT_URL });
  return {
    dataDir,
    env,
    api,
    token,
    ports: { moto, temporal, ui, api: apiPort, workerMetrics, workerSdk },
    aws,
    stack,
    medic: async (...args) => (await run('node', [join(ROOT, 'bin', 'medic.js'), ...args], { env })).stdout,
    async call(method, path, body, auth = true) {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(auth ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    stop() {
      try {
        stack('down');
      } finally {
        destroyAws(aws);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
