import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import type { IncidentState } from '../domain/incident';
import type { LifecycleEvent, LifecycleEventType } from '../domain/lifecycle-events';
import { NOTIFICATION_OPTIONS } from './activity-options';

const publisher = proxyActivities<MedicActivities>(NOTIFICATION_OPTIONS);

/**
 * Lifecycle events for other systems (decision 0023), sent beside the incident like its
 * notifications: each delivery joins `pending` (awaited before the report) and a sink that fails
 * is written to the timeline, never waited on. Incidents started before the change emit nothing.
 */
export function lifecycleEmitter(
  state: IncidentState,
  note: (message: string) => void,
  pending: Promise<void>[],
): (type: LifecycleEventType, detail: LifecycleEvent['detail']) => void {
  const enabled = patched('lifecycle-events');
  const { workflowId, runId } = workflowInfo();
  let sequence = 0;
  return (type, detail) => {
    if (!enabled) return;
    sequence += 1;
    const event: LifecycleEvent = {
      id: `${workflowId}/${runId}/${sequence}`,
      type,
      at: new Date().toISOString(),
      incidentId: state.incidentId,
      runId,
      resourceId: state.resourceId,
      kind: state.kind,
      severity: state.severity,
      mode: state.mode,
      status: state.status,
      openedAt: state.openedAt,
      detail,
    };
    pending.push(
      publisher.publishLifecycleEvent(event).then(
        (published) => {
          if (published.failed > 0) note(`Event ${type} not delivered: ${published.detail}`);
        },
        (err: unknown) => note(`Event ${type} not delivered: ${(err as Error).message}`),
      ),
    );
  };
}

/** Seconds between the incident starting to wait for a person and the decision. */
export function approvalWaitSeconds(state: IncidentState, decidedAt: string): number | undefined {
  const askedAt = state.timeline.find((entry) => entry.status === 'awaiting_approval')?.at;
  return askedAt ? (Date.parse(decidedAt) - Date.parse(askedAt)) / 1000 : undefined;
}
