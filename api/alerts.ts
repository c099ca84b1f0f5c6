import { z } from 'zod';
import {
  mapAlert,
  DEFAULT_ALERT_MAPPING,
  type AlertLabels,
  type AlertMapping,
} from '../domain/alert-mapping';
import type { IncidentRequest } from '../domain/incident';
import { sha256Hex } from '../domain/sha256';
import { maintenanceReason } from '../domain/maintenance-window';
import type { ScopedAlarmOutcome } from './alarm-scope';
import type { IncidentService } from './incident-service';

const labelSet = z.record(z.string().max(256), z.string().max(4096));

/** Prometheus Alertmanager's webhook payload, version 4. Unknown fields are allowed for forward compatibility. */
export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string().max(4096),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(256),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string().max(2048),
  truncatedAlerts: z.number().int().min(0).optional(),
  alerts: z
    .array(
      z.looseObject({
        status: z.enum(['firing', 'resolved']),
        labels: labelSet,
        annotations: labelSet.default({}),
        startsAt: z.string().max(64),
        endsAt: z.string().max(64).optional(),
        generatorURL: z.string().max(2048).optional(),
        fingerprint: z.string().max(64).optional(),
      }),
    )
    .max(1000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

export interface AlertOutcome {
  fingerprint?: string;
  action: 'opened' | 'joined' | 'resolved-recorded' | 'resolved-no-open-incident' | 'ignored';
  incidentId?: string;
  reason?: string;
}

const CONCURRENCY = 16;

/** One alert from any source: a firing alert opens or joins, a resolved one is recorded. */
export async function ingestAlert(
  alert: AlertLabels,
  status: 'firing' | 'resolved',
  source: string,
  incidents: IncidentService,
  mapping: AlertMapping = DEFAULT_ALERT_MAPPING,
): Promise<Omit<AlertOutcome, 'fingerprint'>> {
  const mapped = mapAlert(alert, source, mapping);
  if (!mapped.ok) return { action: 'ignored', reason: mapped.reason };
  if (status === 'resolved') {
    const incidentId = await incidents.recordResolved(mapped.request);
    return incidentId ? { action: 'resolved-recorded', incidentId } : { action: 'resolved-no-open-incident' };
  }
  const held = await incidents.maintenanceOf(mapped.request.resourceId);
  if (held) return { action: 'ignored', reason: maintenanceReason(held) };
  const opened = await incidents.open(mapped.request);
  return { action: opened.created ? 'opened' : 'joined', incidentId: opened.incidentId };
}

/**
 * For an alert whose resource is a group, a load balancer or a database (decision 0061), the
 * deferred answer from its members; undefined for an ordinary alert. `stateChangeKey` names the
 * alert's firing episode.
 */
export type ScopedAlertAnswer = (
  alert: AlertLabels,
  status: 'firing' | 'resolved',
  source: string,
  stateChangeKey: string,
) => (() => Promise<ScopedAlarmOutcome>) | undefined;

export type AlertmanagerOutcome = AlertOutcome | (ScopedAlarmOutcome & { fingerprint?: string });

type AlertmanagerAlert = AlertmanagerPayload['alerts'][number];

/**
 * One firing episode of an alert: Alertmanager repeats a firing alert with the same fingerprint and
 * start until it resolves, so a repeat finds the episode's capacity request already started.
 */
const episodeOf = (alert: AlertmanagerAlert): string => {
  const identity =
    alert.fingerprint ??
    sha256Hex(JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b))));
  return `alertmanager|${identity}|${alert.startsAt}`;
};

/**
 * Firing alerts open or join incidents; resolved alerts are recorded on the open incident. Alerts
 * of one payload for the same resource, kind and status are grouped: one Temporal call carries
 * their count, so a storm costs a call per incident per batch instead of one per alert. An alert
 * naming a group or a load balancer is answered from its members, one by one.
 */
export async function ingestAlertmanager(
  payload: AlertmanagerPayload,
  incidents: IncidentService,
  answerScoped?: ScopedAlertAnswer,
  mapping: AlertMapping = DEFAULT_ALERT_MAPPING,
): Promise<AlertmanagerOutcome[]> {
  const source = `alertmanager:${payload.receiver}`;
  const outcomes: AlertmanagerOutcome[] = new Array<AlertmanagerOutcome>(payload.alerts.length);
  const groups = new Map<
    string,
    { request: IncidentRequest; status: 'firing' | 'resolved'; indices: number[] }
  >();
  const pending: (() => Promise<void>)[] = [];
  payload.alerts.forEach((alert, index) => {
    const scoped = answerScoped?.(alert, alert.status, source, episodeOf(alert));
    if (scoped) {
      pending.push(async () => {
        outcomes[index] = { fingerprint: alert.fingerprint, ...(await scoped()) };
      });
      return;
    }
    const mapped = mapAlert(alert, source, mapping);
    if (!mapped.ok) {
      outcomes[index] = { fingerprint: alert.fingerprint, action: 'ignored', reason: mapped.reason };
      return;
    }
    const key = `${alert.status}|${mapped.request.resourceId}|${mapped.request.kind}`;
    const group = groups.get(key);
    if (group) group.indices.push(index);
    else groups.set(key, { request: mapped.request, status: alert.status, indices: [index] });
  });
  const fingerprintOf = (i: number) => payload.alerts[i]?.fingerprint;
  for (const group of groups.values())
    pending.push(async () => {
      if (group.status === 'resolved') {
        const incidentId = await incidents.recordResolved(group.request);
        for (const i of group.indices)
          outcomes[i] = incidentId
            ? { fingerprint: fingerprintOf(i), action: 'resolved-recorded', incidentId }
            : { fingerprint: fingerprintOf(i), action: 'resolved-no-open-incident' };
        return;
      }
      const held = await incidents.maintenanceOf(group.request.resourceId);
      if (held) {
        for (const i of group.indices)
          outcomes[i] = { fingerprint: fingerprintOf(i), action: 'ignored', reason: maintenanceReason(held) };
        return;
      }
      const opened = await incidents.open(group.request, group.indices.length);
      group.indices.forEach((i, n) => {
        outcomes[i] = {
          fingerprint: fingerprintOf(i),
          action: opened.created && n === 0 ? 'opened' : 'joined',
          incidentId: opened.incidentId,
        };
      });
    });
  let next = 0;
  const worker = async () => {
    while (next < pending.length) await pending[next++]?.();
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));
  return outcomes;
}
