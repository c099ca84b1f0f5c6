import type { ApiClient } from '../cli/api-client';
import { alertmanagerBatch, fakeInstance } from './bench-storm';
import { pct, sleep, stackRssMiB, table } from './bench-support';

interface Minute {
  sent: number;
  failed: number;
  latencies: number[];
  rss: { api: number; worker: number; temporal: number };
}

/**
 * A steady alert stream for some minutes, shaped like Alertmanager's: `alertsPerSecond` alerts a
 * second over a pool of resources that each fire once a minute (Alertmanager re-sends firing alerts
 * on its repeat interval). The first alert of a resource opens an incident (unknown resource, so it
 * closes at once and sits out the flapping cool-down); repeats are recorded on it; after the
 * cool-down the next one opens a new incident. Per minute: ingestion latency and the resident memory
 * of the API, worker and Temporal server. Growth is judged between the second minute (after
 * warm-up) and the last.
 */
export async function soakBench(
  api: ApiClient,
  options: { minutes: number; alertsPerSecond: number },
): Promise<string> {
  const run = `s${Date.now().toString(16).slice(-6)}`;
  const minutes: Minute[] = [];
  let serial = 0;
  const pool = options.alertsPerSecond * 60;
  const inFlight = new Set<Promise<void>>();
  for (let m = 0; m < options.minutes; m++) {
    const minute: Minute = { sent: 0, failed: 0, latencies: [], rss: { api: 0, worker: 0, temporal: 0 } };
    const minuteStart = performance.now();
    for (let second = 0; second < 60; second++) {
      const tick = performance.now();
      for (let i = 0; i < options.alertsPerSecond; i++) {
        const resource = fakeInstance(run, serial++ % pool);
        const sent = (async () => {
          const t = performance.now();
          try {
            await api.request('POST', '/alerts/alertmanager', alertmanagerBatch([resource], run));
            minute.latencies.push(performance.now() - t);
          } catch {
            minute.failed++;
          }
        })();
        minute.sent++;
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent));
      }
      await sleep(Math.max(0, 1000 - (performance.now() - tick)));
    }
    await Promise.all(inFlight);
    minute.rss = {
      api: stackRssMiB('api'),
      worker: stackRssMiB('worker'),
      temporal: stackRssMiB('temporal'),
    };
    minutes.push(minute);
    const took = (performance.now() - minuteStart) / 1000;
    console.error(
      `  soak minute ${m + 1}/${options.minutes}: ${minute.sent} alerts in ${took.toFixed(0)} s, p99 ${pct(minute.latencies, 99).toFixed(0)} ms, worker ${minute.rss.worker.toFixed(0)} MiB`,
    );
  }
  const rows = minutes.map((m, i) => [
    String(i + 1),
    String(m.sent),
    String(m.failed),
    pct(m.latencies, 50).toFixed(0),
    pct(m.latencies, 99).toFixed(0),
    m.rss.api.toFixed(0),
    m.rss.worker.toFixed(0),
    m.rss.temporal.toFixed(0),
  ]);
  const first = minutes[Math.min(1, minutes.length - 1)];
  const last = minutes[minutes.length - 1];
  const growth = (a: number, b: number) => `${(b - a >= 0 ? '+' : '') + (b - a).toFixed(0)}`;
  const summary =
    first && last
      ? `growth from minute ${Math.min(2, minutes.length)} to ${minutes.length}: API ${growth(first.rss.api, last.rss.api)} MiB, worker ${growth(first.rss.worker, last.rss.worker)} MiB, Temporal ${growth(first.rss.temporal, last.rss.temporal)} MiB, p99 ${growth(pct(first.latencies, 99), pct(last.latencies, 99))} ms`
      : '';
  return [
    `soak — ${options.minutes} min at ${options.alertsPerSecond} alerts/s over ${pool} resources, each firing once a minute`,
    '',
    table(['minute', 'alerts', 'failed', 'p50 ms', 'p99 ms', 'API MiB', 'worker MiB', 'Temporal MiB'], rows),
    '',
    summary,
  ].join('\n');
}
