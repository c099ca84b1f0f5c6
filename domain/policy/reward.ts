/** How one remediation attempt turned out, as the policy learns from it. */
export interface AttemptOutcome {
  /** Verification passed after this action. */
  recovered: boolean;
  /** Minutes from the action's start to verified recovery (or to giving up on it). */
  minutes: number;
  /** The action's compensation had to run (health got worse). */
  compensated?: boolean;
  /** The person's answer to "Was your issue resolved?", when given. */
  feedback?: { resolved: boolean; rating: number };
}

/** Faster verified recovery is better; failures, compensations and unhappy users cost. */
export function reward(outcome: AttemptOutcome): number {
  let r = outcome.recovered ? 1 - Math.min(outcome.minutes, 60) / 120 : -0.5;
  if (outcome.compensated) r -= 0.5;
  if (outcome.feedback) {
    if (!outcome.feedback.resolved) r -= 0.5;
    r += (outcome.feedback.rating - 3) * 0.1;
  }
  return r;
}
