import { pct, pool } from './bench-support';
import { alertmanagerPayload } from '../test/support/alertmanager';
import type { ApiClient } from '../cli/api-client';

/**
 * Alert ingestion figures for `make bench`: single alerts → incident started, then a storm of
 * Alertmanager alerts over resources the fleet does not know, which must yield exactly one incident
 * per resource + kind and lose no alert.
 */
interface Outcome {
  action: string;
  incidentId?: string;
}

export function alertmanagerBatch(resources: string[], run: string) {
  return alertmanagerPayload(
    resources.map((resource) => ({
      labels: { alertname: 'StatusCheckFailed', resource_id: resource, severity: 'high' },
      annotations: { summary: `storm ${run}` },
    })),
    `storm-${run}`,
  );
}

export const fakeInstance = (run: string, i: number) =>
  `i-${run}${i.toString(16).padStart(17 - run.length, '0')}`;

export async function stormBench(
  api: ApiClient,
  options: { alerts: number; resources: number; batch: number },
): Promise<{ lines: string[]; alertToStartedMs: number; completedPerSecond: number }> {
  const run = Date.now().toString(16).slice(-8);
  const post = (resources: string[]) =>
    api.request<{ results: Outcome[] }>('POST', '/alerts/alertmanager', alertmanagerBatch(resources, run));

  // One alert per request, 10 at a time: alert received → incident workflow started.
  const single: number[] = [];
  const singles = Array.from({ length: 100 }, (_, i) => fakeInstance(`${run}a`, i));
  await pool(singles, 10, async (resource) => {
    const t = performance.now();
    const { results } = await post([resource]);
    if (results[0]?.action === 'opened') single.push(performance.now() - t);
  });

  // The storm: alerts round-robin over the resources, posted in Alertmanager-sized batches.
  const resources = Array.from({ length: options.resources }, (_, i) => fakeInstance(`${run}b`, i));
  const stream = Array.from({ length: options.alerts }, (_, i) => resources[i % resources.length]);
  const batches: string[][] = [];
  for (let i = 0; i < stream.length; i += options.batch) batches.push(stream.slice(i, i + options.batch));
  const outcomes: Outcome[] = [];
  let failedRequests = 0;
  const started = performance.now();
  await pool(batches, 4, async (batch) => {
    try {
      outcomes.push(...(await post(batch)).results);
    } catch {
      failedRequests++;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const opened = new Set(outcomes.filter((o) => o.action === 'opened').map((o) => o.incidentId));
  const accounted = outcomes.filter((o) => o.action === 'opened' || o.action === 'joined').length;

  // Completion: every storm incident reaches a final status (unknown resource → failed report).
  const completeStart = performance.now();
  let unknownReports = 0;
  await pool([...opened], 10, async (id) => {
    for (;;) {
      const v = await api.request<{ status: string; report?: { actionTaken: string } }>(
        'GET',
        `/incidents/${id}`,
      );
      if (v.report) {
        if (/unknown resource/i.test(v.report.actionTaken)) unknownReports++;
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  const completeSeconds = (performance.now() - completeStart) / 1000;

  const lines = [
    `${'alert → incident started (one alert per request, 10 at once)'.padEnd(64)} p50 ${pct(single, 50).toFixed(0)} ms, p99 ${pct(single, 99).toFixed(0)} ms (n=${single.length})`,
    `${`storm: ${options.alerts} alerts over ${options.resources} unknown resources`.padEnd(64)} ingest ${(options.alerts / seconds).toFixed(0)} alerts/s (${seconds.toFixed(1)} s)`,
    `${'  incidents created (must equal the resources)'.padEnd(64)} ${opened.size}`,
    `${'  alerts lost (no opened/joined outcome)'.padEnd(64)} ${options.alerts - accounted} (failed requests: ${failedRequests})`,
    `${'  incidents completed per second (to their final report)'.padEnd(64)} ${(opened.size / completeSeconds).toFixed(1)} (${completeSeconds.toFixed(1)} s for ${opened.size}; ${unknownReports} say the resource is unknown)`,
  ];
  return { lines, alertToStartedMs: pct(single, 50), completedPerSecond: opened.size / completeSeconds };
}
