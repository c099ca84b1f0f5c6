import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { isDecision, type Decision, type IncidentState } from '../domain/incident';
import { decisionUpdate, INVALID_DECISION, NOT_AWAITING_DECISION, type DecisionAck } from './messages';

/**
 * The decision update of an incident that takes one decision from one person (no quorum, no
 * re-planning): valid only while it waits, answered with the status it moves to. Shared by the
 * security agent's incidents.
 */
export function acceptOneDecision(state: IncidentState): () => (Decision & { at: string }) | undefined {
  let decision: (Decision & { at: string }) | undefined;
  setHandler(
    decisionUpdate,
    (incoming): DecisionAck => {
      decision = { ...incoming, at: new Date().toISOString() };
      state.decision = decision;
      return {
        accepted: true,
        status:
          incoming.decision === 'approve'
            ? 'remediating'
            : incoming.decision === 'decline'
              ? 'declined'
              : 'manual',
      };
    },
    {
      validator: (incoming: unknown) => {
        if (!isDecision(incoming))
          throw ApplicationFailure.create({
            type: INVALID_DECISION,
            message: 'decision must be approve, decline or manual, with a non-empty "by"',
          });
        if (state.status !== 'awaiting_approval' || decision !== undefined)
          throw ApplicationFailure.create({
            type: NOT_AWAITING_DECISION,
            message: `Incident is ${state.status}, not awaiting a decision`,
          });
      },
    },
  );
  return () => decision;
}
