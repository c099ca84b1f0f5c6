import type { IncidentKind, RemediationStep } from '../incident';

/** What the active remediation policy expects of each of the plan's actions it knows. */
export interface PolicyAdvice {
  version: string;
  scores: {
    /** A catalogue action of the plan (e.g. `reboot-instance`). */
    action: string;
    /** Expected reward for this incident's symptoms (about 1 = fast verified recovery, −0.5 = failure). */
    expected: number;
    /** How many attempts of this action the policy has learnt from. */
    pulls: number;
    /** Counts against the destructive budget (the catalogue's word): replacing, not restarting. */
    destructive: boolean;
  }[];
}

/**
 * The detected instance faults the policy learnt on (the simulator's). A person's explicit request
 * (`restart-requested`) and the proactive or security kinds keep the planner's order.
 */
export const POLICY_GUIDED_KINDS: readonly IncidentKind[] = [
  'status-check-failed',
  'cpu-high',
  'latency-high',
];

/**
 * When the policy may overrule the runbook's first step: its favourite must have been learnt from
 * enough attempts and beat the runbook's choice by a clear margin; otherwise the runbook stands.
 */
export const GUIDANCE = { minPulls: 20, margin: 0.15 } as const;

export interface GuidedPlan {
  plan: RemediationStep[];
  /** One timeline line saying what the policy thought, when it had an opinion. */
  note?: string;
}

/**
 * The planner decides which actions are safe and applicable; the learned policy may only choose
 * which of them goes first. Steps the policy does not know (start, quarantine, …) are never moved,
 * and a plan led by one of them is left alone: the policy cannot rank what it has not learnt. Nor
 * does a destructive step go ahead of a gentler one on the policy's word alone: that stays a
 * person's call (approve the plan in MANUAL mode, or the runbook's own order).
 */
export function guidePlan(plan: RemediationStep[], advice: PolicyAdvice | undefined): GuidedPlan {
  const first = plan[0];
  if (!advice || !first || plan.length < 2) return { plan };
  const scoreOf = (action: string) => advice.scores.find((s) => s.action === action);
  const runbookChoice = scoreOf(first.action);
  if (!runbookChoice) return { plan };
  const experienced = plan
    .map((step) => ({ step, score: scoreOf(step.action) }))
    .filter((c) => c.score && c.score.pulls >= GUIDANCE.minPulls);
  const best = experienced.reduce<(typeof experienced)[number] | undefined>(
    (top, c) => (!top || (c.score?.expected ?? 0) > (top.score?.expected ?? 0) ? c : top),
    undefined,
  );
  const expected = (n: number) => n.toFixed(2);
  const policy = `the remediation policy ${advice.version}`;
  const by = `The remediation policy ${advice.version}`;
  if (!best?.score || best.step.action === first.action)
    return {
      plan,
      note: `${by} agrees with the runbook: ${first.action} first (expected reward ${expected(runbookChoice.expected)}).`,
    };
  if (best.score.destructive && !runbookChoice.destructive)
    return {
      plan,
      note: `${by} prefers ${best.step.action} (${expected(best.score.expected)} against ${expected(runbookChoice.expected)} for ${first.action}), but a destructive step does not go ahead of a gentler one on the policy's word: the runbook order stands.`,
    };
  const gain = best.score.expected - runbookChoice.expected;
  if (gain < GUIDANCE.margin)
    return {
      plan,
      note: `${by} slightly prefers ${best.step.action} (${expected(best.score.expected)} against ${expected(runbookChoice.expected)} for ${first.action}), not by the ${GUIDANCE.margin} margin it needs to overrule the runbook.`,
    };
  const why = `Chosen first by ${policy}: expected reward ${expected(best.score.expected)} against ${expected(runbookChoice.expected)} for ${first.action}, learnt from ${best.score.pulls} attempts.`;
  return {
    plan: [{ ...best.step, reason: `${why} ${best.step.reason}` }, ...plan.filter((s) => s !== best.step)],
    note: `${by} put ${best.step.action} before ${first.action} (expected reward ${expected(best.score.expected)} against ${expected(runbookChoice.expected)}).`,
  };
}
