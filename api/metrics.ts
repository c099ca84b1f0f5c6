import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
