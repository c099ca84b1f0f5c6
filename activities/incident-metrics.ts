import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LifecycleEvent } from '../domain/lifecycle-events';
import { agentOf } from './feedback-store';

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/**
 * Incident figures counted where they happen: the worker that runs the incident sees each
 * lifecycle event once. Served by the worker process on MEDIC_WORKER_METRICS_PORT.
 */
export function createIncidentMetrics(registry = new Registry()) {
  const opened = new Counter({
    name: 'medic_incidents_opened_total',
    help: 'Incidents opened, by kind, agent and severity',
    labelNames: ['kind', 'agent', 'severity'] as const,
    registers: [registry],
  });
  const closed = new Counter({
    name: 'medic_incidents_closed_total',
    help: 'Incidents closed, by outcome (resolved, failed, declined, escalated, manual, dry_run), kind, agent and mode',
    labelNames: ['outcome', 'kind', 'agent', 'mode'] as const,
    registers: [registry],
  });
  const resolveSeconds = new Histogram({
    name: 'medic_incident_duration_seconds',
    help: 'Time from an incident opening to its closing, by outcome and mode',
    labelNames: ['outcome', 'kind', 'mode'] as const,
    buckets: [5, 15, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 4 * HOUR],
    registers: [registry],
  });
  const approvalWait = new Histogram({
    name: 'medic_approval_wait_seconds',
    help: 'Time a MANUAL incident waited for a person, by the decision taken',
    labelNames: ['decision'] as const,
    buckets: [1, 5, 15, 30, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 4 * HOUR],
    registers: [registry],
  });
  const actions = new Counter({
    name: 'medic_actions_total',
    help: 'Remediation actions taken, by action and outcome (succeeded, not-verified, failed)',
    labelNames: ['action', 'outcome', 'agent'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'medic_event_deliveries_total',
    help: 'Lifecycle events sent to sinks, by sink format and result',
    labelNames: ['format', 'result'] as const,
    registers: [registry],
  });
  const limits = new Gauge({
    name: 'medic_blast_radius_limit',
    help: 'The fleet-wide blast-radius budget this worker runs with (concurrent steps, destructive actions per hour)',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const quality = new Gauge({
    name: 'medic_model_quality',
    help: 'Live quality of each active model from incident outcomes and feedback (0..1), and the samples behind it',
    labelNames: ['model', 'measure'] as const,
    registers: [registry],
  });
  const qualitySamples = new Gauge({
    name: 'medic_model_quality_samples',
    help: 'Closed incidents behind each model quality figure',
    labelNames: ['model', 'measure'] as const,
    registers: [registry],
  });
  // An activity retried in the same process must not count its event twice.
  const seen = new Set<string>();
  const SEEN_LIMIT = 50_000;

  function observe(event: LifecycleEvent): void {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
    const agent = agentOf(event.kind);
    const text = (key: string) => String(event.detail[key] ?? 'unknown');
    switch (event.type) {
      case 'incident.opened':
        opened.inc({ kind: event.kind, agent, severity: event.severity });
        break;
      case 'incident.decision': {
        const waited = Number(event.detail.waitedSeconds);
        if (Number.isFinite(waited) && waited >= 0)
          approvalWait.observe({ decision: text('decision') }, waited);
        break;
      }
      case 'incident.action':
        actions.inc({ action: text('action'), outcome: text('outcome'), agent });
        break;
      case 'incident.closed': {
        const outcome = text('outcome');
        closed.inc({ outcome, kind: event.kind, agent, mode: event.mode });
        const seconds = (Date.parse(event.at) - Date.parse(event.openedAt)) / 1000;
        if (Number.isFinite(seconds) && seconds >= 0)
          resolveSeconds.observe({ outcome, kind: event.kind, mode: event.mode }, seconds);
        break;
      }
    }
  }

  return {
    registry,
    observe,
    delivered: (format: string, ok: boolean) =>
      deliveries.inc({ format, result: ok ? 'delivered' : 'failed' }),
    modelQuality: (model: string, measure: string, value: number | undefined, samples: number) => {
      if (value !== undefined) quality.set({ model, measure }, value);
      qualitySamples.set({ model, measure }, samples);
    },
    budget: (budget: { concurrent: number; destructivePerHour: number }) => {
      limits.set({ limit: 'concurrent' }, budget.concurrent);
      limits.set({ limit: 'destructive_per_hour' }, budget.destructivePerHour);
    },
  };
}

export type IncidentMetrics = ReturnType<typeof createIncidentMetrics>;

/** The worker process's registry: its own process metrics plus the incident figures. */
export function workerMetrics(): IncidentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'medic_worker_' });
  return createIncidentMetrics(registry);
}
