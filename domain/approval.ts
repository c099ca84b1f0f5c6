import type { Decision, RemediationStep } from './incident';
import { parseActionList } from './action-list';
import { sha256Hex } from './sha256';

/**
 * Approvals, done properly: each approval is bound to the hash of the plan the approver saw, an
 * action type may need several distinct approvers (quorum), and nobody approves twice.
 */

export interface ApprovalRecord {
  by: string;
  at: string;
  reason?: string;
  planHash: string;
}

/** The hash of what would be done: resource, kind and the ordered steps with their reasons. */
export function planHash(resourceId: string, kind: string, plan: RemediationStep[]): string {
  return sha256Hex(JSON.stringify({ resourceId, kind, steps: plan.map((s) => [s.action, s.reason]) }));
}

/** `replace-instance=2,stop-start-instance=2` → approvers needed per action type (others need 1). */
export function parseQuorum(spec: string): Record<string, number> {
  return parseActionList(spec, /^\d+$/, 'replace-instance=2 (1 to 10 approvers)', (value) => {
    const count = Number(value);
    return count >= 1 && count <= 10 ? count : undefined;
  });
}

/** A plan needs as many approvers as its most demanding step. */
export function approvalsRequired(plan: RemediationStep[], quorum: Record<string, number>): number {
  return Math.max(1, ...plan.map((s) => quorum[s.action] ?? 1));
}

export type DecisionCheck = { ok: true } | { ok: false; reason: string };

/** Whether a decision may be taken now, given the approvals so far and the current plan. */
export function checkDecision(
  decision: Decision & { planHash?: string },
  approvals: ApprovalRecord[],
  currentHash: string,
  required: number,
): DecisionCheck {
  if (decision.planHash !== undefined && decision.planHash !== currentHash)
    return {
      ok: false,
      reason: 'the plan changed since this approver saw it; reload the incident and decide again',
    };
  if (decision.decision === 'approve' && required > 1 && decision.planHash === undefined)
    return {
      ok: false,
      reason: `this plan needs ${required} approvers, each naming the planHash they approve`,
    };
  if (
    decision.decision === 'approve' &&
    approvals.some((a) => a.by.toLowerCase() === decision.by.trim().toLowerCase())
  )
    return { ok: false, reason: `${decision.by} has already approved this plan` };
  return { ok: true };
}
