import { allHandlersFinished, condition, proxyActivities } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import type { IncidentReport, IncidentState, IncidentStatus, StepRecord } from '../domain/incident';
import type { LifecycleEvent, LifecycleEventType } from '../domain/lifecycle-events';
import { buildReport, closingNotification } from '../domain/report';

const support = proxyActivities<MedicActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 2 },
});

/**
 * How a one-decision incident (security, compliance) ends: the final status and why, the report
 * from its steps, the action and closed events, then the closing notification once every event
 * delivery has settled.
 */
export function incidentCloser(
  state: IncidentState,
  steps: StepRecord[],
  tools: {
    transition: (status: IncidentStatus, message: string) => void;
    record: (message: string) => void;
    emit: (type: LifecycleEventType, detail: LifecycleEvent['detail']) => void;
    pending: Promise<void>[];
  },
): (status: IncidentStatus, conclusion: string) => Promise<IncidentReport> {
  return async (status, conclusion) => {
    tools.transition(status, conclusion);
    state.closedAt = new Date().toISOString();
    state.report = buildReport(state, steps, conclusion);
    for (const step of steps)
      tools.emit('incident.action', {
        action: step.action,
        target: step.resourceId,
        outcome: step.outcome,
        detail: step.detail,
      });
    tools.emit('incident.closed', { outcome: status, conclusion, steps: steps.length });
    await Promise.all(tools.pending);
    const sent = await support.notify(closingNotification(state, state.report, status));
    tools.record(`Notified (${sent.detail})`);
    await condition(allHandlersFinished);
    return state.report;
  };
}
