import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForHttp } from './ports';

/** Starts one AWS emulator (moto) for the whole run; suites isolate themselves by fleet name. */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const root = join(__dirname, '..', '..');
  const moto = join(root, '.venv', 'bin', 'moto_server');
  if (!existsSync(moto)) throw new Error(`${moto} is missing: run make setup`);
  const port = await freePort();
  const child = spawn(moto, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: false });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/moto-api/data.json`, 60_000);
  process.env.MEDIC_TEST_AWS_ENDPOINT = url;
  process.env.MEDIC_TEST_MOTO_PID = String(child.pid);
  (globalThis as { __motoProcess?: unknown }).__motoProcess = child;
}
