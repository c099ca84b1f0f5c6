import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The API's Prometheus registry: process metrics plus request latency by route and status. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'medic_api_' });

const requestSeconds = new Histogram({
  name: 'medic_api_request_duration_seconds',
  help: 'HTTP API request latency',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Records each request under its route pattern (not its raw path), so ids do not explode the label set. */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const stop = requestSeconds.startTimer();
  res.on('finish', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    stop({
      method: req.method,
      route: route ? `${req.baseUrl}${route}` : 'unmatched',
      status: String(res.statusCode),
    });
  });
  next();
};

import { OPEN_STATUSES } from '../domain/incident';

/**
 * Open incidents by status and by severity, counted in Temporal's visibility index when Prometheus
 * scrapes (at most once per `cacheMs`), so every API replica reports the same fleet-wide figure.
 */
export function registerOpenIncidentGauges(
  count: (status: string | undefined, severity: string | undefined) => Promise<number>,
  severities: readonly string[],
  cacheMs = 10_000,
): void {
  let cached: { at: number; byStatus: number[]; bySeverity: number[] } | undefined;
  const refresh = async () => {
    if (cached && Date.now() - cached.at < cacheMs) return cached;
    const [byStatus, bySeverity] = await Promise.all([
      Promise.all(OPEN_STATUSES.map((status) => count(status, undefined))),
      Promise.all(severities.map((severity) => count(undefined, severity))),
    ]);
    cached = { at: Date.now(), byStatus, bySeverity };
    return cached;
  };
  // Idempotent: an app built twice in one process (tests) replaces the gauges instead of failing.
  registry.removeSingleMetric('medic_incidents_open');
  registry.removeSingleMetric('medic_incidents_open_by_severity');
  new Gauge({
    name: 'medic_incidents_open',
    help: 'Incidents still open, by status (from the visibility index)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { byStatus } = await refresh();
      OPEN_STATUSES.forEach((status, i) => this.set({ status }, byStatus[i] ?? 0));
    },
  });
  new Gauge({
    name: 'medic_incidents_open_by_severity',
    help: 'Incidents still open, by severity (from the visibility index)',
    labelNames: ['severity'] as const,
    registers: [registry],
    async collect() {
      const { bySeverity } = await refresh();
      severities.forEach((severity, i) => this.set({ severity }, bySeverity[i] ?? 0));
    },
  });
}
