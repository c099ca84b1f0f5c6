import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForHttp } from './ports';

async function startMoto(moto: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(moto, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: false });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/moto-api/data.json`, 60_000);
  return { child, url };
}

/**
 * Starts one AWS emulator (moto) per jest worker (decision 0072). moto scans every stored datapoint
 * and instance on each call and serves one request at a time, so one emulator shared by the whole
 * run grew slower with every suite; each worker's emulator is reset before each of its suites.
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const root = join(__dirname, '..', '..');
  const moto = join(root, '.venv', 'bin', 'moto_server');
  if (!existsSync(moto)) throw new Error(`${moto} is missing: run make setup`);
  const count = Math.max(1, globalConfig.maxWorkers);
  const emulators = await Promise.all(Array.from({ length: count }, () => startMoto(moto)));
  process.env.MEDIC_TEST_AWS_ENDPOINTS = emulators.map((e) => e.url).join(',');
  (globalThis as { __motoProcesses?: ChildProcess[] }).__motoProcesses = emulators.map((e) => e.child);
}
