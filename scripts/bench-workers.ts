import type { Client } from '@temporalio/client';
import { probeThroughput, withProbeWorkers } from './bench-probe-workers';
import { table } from './bench-support';

/**
 * Horizontal scaling: the same workload against 1, 2 and 4 worker processes on one task queue.
 * Each workflow runs as many activities as an AUTO incident does (diagnose, act, verify, notify),
 * each waiting like a real cloud API call, and each worker has the bounded activity slots of the
 * production settings in docs/capacity.md. Throughput should grow with workers until the server
 * (or this machine) is the limit.
 */
export async function workerScalingBench(
  client: Client,
  run: string,
  options: { workflows: number; steps: number; callMs: number; slots: number; counts: number[] },
): Promise<string> {
  const rows: (string | number)[][] = [];
  let single = NaN;
  for (const workers of options.counts) {
    const queue = `medic-bench-scale-${run}-${workers}`;
    const rate = await withProbeWorkers(
      workers,
      queue,
      { PROBE_CALL_MS: String(options.callMs), PROBE_ACTIVITY_SLOTS: String(options.slots) },
      () =>
        probeThroughput(
          client,
          queue,
          options.workflows,
          { waitForGo: false, steps: options.steps },
          `${run}-w${workers}`,
        ),
    );
    if (workers === options.counts[0]) single = rate;
    rows.push([String(workers), rate.toFixed(1), (rate / single).toFixed(2)]);
  }
  return [
    `worker scaling — ${options.workflows} workflows × ${options.steps} activities of ${options.callMs} ms, ${options.slots} activity slots per worker`,
    '',
    table(['worker processes', 'workflows/s', '× one worker'], rows),
  ].join('\n');
}
