import { z } from 'zod';
import {
  mapAlert,
  DEFAULT_ALERT_MAPPING,
  type AlertLabels,
  type AlertMapping,
} from '../domain/alert-mapping';
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
  const opened = await incidents.open(mapped.request);
  return { action: opened.created ? 'opened' : 'joined', incidentId: opened.incidentId };
}

/** Firing alerts open or join incidents; resolved alerts are recorded on the open incident. */
export async function ingestAlertmanager(
  payload: AlertmanagerPayload,
  incidents: IncidentService,
  mapping: AlertMapping = DEFAULT_ALERT_MAPPING,
): Promise<AlertOutcome[]> {
  const outcomes: AlertOutcome[] = new Array<AlertOutcome>(payload.alerts.length);
  let next = 0;
  const worker = async () => {
    while (next < payload.alerts.length) {
      const index = next++;
      const alert = payload.alerts[index];
      if (!alert) continue;
      const outcome = await ingestAlert(
        alert,
        alert.status,
        `alertmanager:${payload.receiver}`,
        incidents,
        mapping,
      );
      outcomes[index] = { fingerprint: alert.fingerprint, ...outcome };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, payload.alerts.length) }, worker));
  return outcomes;
}
