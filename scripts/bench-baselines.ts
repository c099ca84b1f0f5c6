import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { StreamingDetector } from '../domain/anomaly/detector';
import { parsePointsCsv } from '../domain/anomaly/csv';
import { pct, pool, sleep, timed } from './bench-support';
import { probeThroughput, withProbeWorkers } from './bench-probe-workers';
import { goSignal } from './probe/workflows';

/**
 * What each `make bench` figure is judged against, measured in the same run on the same machine:
 * the least Temporal can do (a bare signal-with-start, a trivial workflow's signal → activity
 * latency and end-to-end throughput) and the least a detector can do (a running mean/variance).
 */
export interface Baselines {
  signalWithStartMs: number;
  signalToActivityMs: number;
  trivialWorkflowsPerSecond: number;
  runningStatsPointsPerSecond: number;
  detectorPointsPerSecond: number;
}

const QUEUE = 'medic-bench-probe';

export async function measureBaselines(client: Client, run: string, datasetDir: string): Promise<Baselines> {
  return withProbeWorkers(1, QUEUE, {}, async () => {
    // Warm the worker's cache and connection so the first samples measure the path, not start-up.
    await probeThroughput(client, QUEUE, 20, { waitForGo: false, steps: 1 }, `${run}-warm`);

    const sws: number[] = [];
    await pool(
      Array.from({ length: 100 }, (_, i) => i),
      10,
      async (i) => {
        await timed(sws, () =>
          client.workflow.signalWithStart('probeWorkflow', {
            taskQueue: QUEUE,
            workflowId: `probe-${run}-sws-${i}`,
            args: [{ waitForGo: true, steps: 1 }],
            signal: goSignal,
          }),
        );
      },
    );

    const toActivity: number[] = [];
    for (let i = 0; i < 20; i++) {
      const handle = await client.workflow.start('probeWorkflow', {
        taskQueue: QUEUE,
        workflowId: `probe-${run}-go-${i}`,
        args: [{ waitForGo: true, steps: 1 }],
      });
      await sleep(200);
      const sentAt = Date.now();
      await handle.signal(goSignal);
      const [activityAt] = (await handle.result()) as number[];
      toActivity.push((activityAt ?? NaN) - sentAt);
    }

    const throughput = await probeThroughput(client, QUEUE, 500, { waitForGo: false, steps: 3 }, `${run}-tp`);
    return {
      signalWithStartMs: pct(sws, 50),
      signalToActivityMs: pct(toActivity, 50),
      trivialWorkflowsPerSecond: throughput,
      ...streamingBaselines(datasetDir),
    };
  });
}

function csvFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? csvFiles(path) : name.endsWith('.csv') ? [path] : [];
  });
}

/** Points per second of Welford's running mean/variance and of the shipped detector, same input. */
function streamingBaselines(datasetDir: string) {
  const values = csvFiles(join(datasetDir, 'data')).map((file) =>
    Float64Array.from(parsePointsCsv(readFileSync(file, 'utf8'), file).map((p) => p.value)),
  );
  const points = values.reduce((n, v) => n + v.length, 0);
  let sink = 0;
  const welfordStart = process.hrtime.bigint();
  for (const series of values) {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (const x of series) {
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
      sink += m2 / n > 9 * mean * mean ? 1 : 0;
    }
  }
  const welfordNs = Number(process.hrtime.bigint() - welfordStart);
  const detectorStart = process.hrtime.bigint();
  for (const series of values) {
    const detector = new StreamingDetector();
    for (const x of series) sink += detector.update(x).isAnomaly ? 1 : 0;
  }
  const detectorNs = Number(process.hrtime.bigint() - detectorStart);
  // `sink` keeps the loops from being optimised away.
  if (sink < 0) console.log(sink);
  return {
    runningStatsPointsPerSecond: points / (welfordNs / 1e9),
    detectorPointsPerSecond: points / (detectorNs / 1e9),
  };
}
