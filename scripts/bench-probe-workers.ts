import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { ProbeInput } from './probe/workflows';
import { pool } from './bench-support';

/** Probe worker processes on one task queue, started for a bench section and stopped after it. */
export async function withProbeWorkers<T>(
  count: number,
  taskQueue: string,
  env: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const child = spawn(process.execPath, [join(__dirname, 'probe', 'worker.js'), taskQueue], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        children.push(child);
        await new Promise<void>((resolve, reject) => {
          child.stdout?.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('probe worker ready')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`probe worker exited with ${code}`)));
        });
      }),
    );
    return await fn();
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.on('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Starts `count` probe workflows (20 starts at once) and waits for all: completed workflows per second. */
export async function probeThroughput(
  client: Client,
  taskQueue: string,
  count: number,
  input: ProbeInput,
  run: string,
): Promise<number> {
  const started = performance.now();
  const results: Promise<unknown>[] = [];
  await pool(
    Array.from({ length: count }, (_, i) => i),
    20,
    async (i) => {
      const handle = await client.workflow.start('probeWorkflow', {
        taskQueue,
        workflowId: `probe-${run}-${i}`,
        args: [input],
      });
      results.push(handle.result());
    },
  );
  await Promise.all(results);
  return count / ((performance.now() - started) / 1000);
}
