import { condition } from '@temporalio/workflow';
import type { Decision, IncidentState, IncidentStatus } from '../domain/incident';
import type { LifecycleEvent, LifecycleEventType } from '../domain/lifecycle-events';
import { parseDuration } from '../domain/duration';
import { approvalWaitSeconds } from './lifecycle-emitter';

/**
 * The MANUAL wait of an incident that takes one decision (security, flood, compliance): move to
 * awaiting_approval, wait durably up to `timeout`, record and emit the decision. Undefined = no
 * decision in time; the caller closes the incident as its guardrail says.
 */
export async function awaitOneDecision(args: {
  state: IncidentState;
  decided: () => (Decision & { at: string }) | undefined;
  transition: (status: IncidentStatus, message: string) => void;
  record: (message: string) => void;
  emit: (type: LifecycleEventType, detail: LifecycleEvent['detail']) => void;
  timeout: string;
}): Promise<(Decision & { at: string }) | undefined> {
  const { state, decided, timeout } = args;
  args.transition('awaiting_approval', `Waiting for approve, decline or manual (timeout ${timeout})`);
  await condition(() => decided() !== undefined, parseDuration(timeout) ?? 30 * 60_000);
  const decision = decided();
  if (!decision) return undefined;
  args.record(
    `Decision ${decision.decision} by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}`,
  );
  args.emit('incident.decision', {
    decision: decision.decision,
    by: decision.by,
    reason: decision.reason,
    waitedSeconds: approvalWaitSeconds(state, decision.at),
  });
  return decision;
}
