import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  MEDIC_KIND,
  MEDIC_MODE,
  MEDIC_RESOURCE,
  MEDIC_SEVERITY,
  MEDIC_STATUS,
} from '../../workflows/search-attributes';
import { ROOT, TEMPORAL_CLI } from './env';
import { join } from 'node:path';

const outputs = new WeakMap<ChildProcess, string[]>();

/** Everything a started process wrote to stdout and stderr so far. */
export function outputOf(child: ChildProcess): string {
  return (outputs.get(child) ?? []).join('');
}

/** Starts a process and resolves once a line of its stdout contains `readyText`. */
export function startUntilReady(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyText: string,
  timeoutMs = 60_000,
): Promise<ChildProcess> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  outputs.set(child, output);
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(readyText)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready`));
    });
  });
}

export const startNodeProcess = (script: string, env: NodeJS.ProcessEnv, readyText: string) =>
  startUntilReady('node', [join(ROOT, 'dist', script)], { ...process.env, ...env }, readyText);

export async function kill(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** A Temporal dev server on its own SQLite file, so a test can kill it and start it again on the same data. */
export async function startTemporalDevServer(port: number, dbFile: string): Promise<ChildProcess> {
  const attributes = [MEDIC_RESOURCE, MEDIC_KIND, MEDIC_STATUS, MEDIC_SEVERITY, MEDIC_MODE].flatMap((a) => [
    '--search-attribute',
    `${a.name}=Keyword`,
  ]);
  const child = spawn(
    TEMPORAL_CLI,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--db-filename',
      dbFile,
      '--log-level',
      'error',
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      ...attributes,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = spawnSync(
      TEMPORAL_CLI,
      ['operator', 'cluster', 'health', '--address', `127.0.0.1:${port}`],
      {
        encoding: 'utf8',
      },
    );
    if (health.status === 0 && health.stdout.includes('SERVING')) return child;
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('temporal dev server did not become healthy within 60 s');
    await new Promise((r) => setTimeout(r, 300));
  }
}
