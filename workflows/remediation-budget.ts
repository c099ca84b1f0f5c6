import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  EMPTY_BUDGET,
  expireLeases,
  grantLeases,
  nextDeadline,
  releaseLease,
  requestLease,
  type BudgetLimits,
  type BudgetState,
} from '../domain/budget';
import { budgetStateQuery, leaseGrantedSignal, releaseLeaseSignal, requestLeaseSignal } from './messages';

export const REMEDIATION_BUDGET_WORKFLOW_ID = 'remediation-budget';

export interface RemediationBudgetInput {
  limits: BudgetLimits;
  state?: BudgetState;
}

/** Workflow time: the SDK makes `new Date()` deterministic inside workflows. */
const nowMs = () => new Date().getTime();

/** Keeps each run's history bounded; the state travels through continue-as-new. */
const EVENTS_BEFORE_CONTINUE = 5000;

/**
 * One long-lived workflow for the whole fleet: incidents ask it for a lease before each remediation
 * step, so the fleet-wide limits hold however many incidents run at once.
 */
export async function remediationBudgetWorkflow(input: RemediationBudgetInput): Promise<void> {
  let state = input.state ?? EMPTY_BUDGET;
  let changed = true;
  // Critical incidents are granted slots before lower ones (FIFO within a severity).
  const bySeverity = patched('severity-priority');
  setHandler(budgetStateQuery, () => state);
  setHandler(requestLeaseSignal, (request) => {
    state = requestLease(state, { ...request, requestedAt: nowMs() });
    changed = true;
  });
  setHandler(releaseLeaseSignal, (leaseId) => {
    state = releaseLease(state, leaseId);
    changed = true;
  });

  while (workflowInfo().historyLength < EVENTS_BEFORE_CONTINUE && !workflowInfo().continueAsNewSuggested) {
    const deadline = nextDeadline(state, input.limits);
    if (!changed) {
      if (deadline === undefined) await condition(() => changed);
      else await condition(() => changed, Math.max(1, deadline - nowMs()));
    }
    changed = false;
    const now = nowMs();
    const afterExpiry = expireLeases(state, now, input.limits);
    for (const lease of afterExpiry.expired) log.warn('lease expired unreleased', { leaseId: lease.leaseId });
    const afterGrant = grantLeases(afterExpiry.state, now, input.limits, bySeverity);
    state = afterGrant.state;
    for (const lease of afterGrant.granted) {
      try {
        await getExternalWorkflowHandle(lease.incidentWorkflowId).signal(leaseGrantedSignal, lease.leaseId);
      } catch (err) {
        // The incident is gone: take the lease back rather than hold a slot for nobody.
        log.warn('lease holder unreachable', { leaseId: lease.leaseId, error: String(err) });
        state = releaseLease(state, lease.leaseId);
        changed = true;
      }
    }
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof remediationBudgetWorkflow>({ limits: input.limits, state });
}
