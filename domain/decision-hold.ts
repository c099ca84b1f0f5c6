import type { IncidentStatus } from './incident';

/**
 * A person's answer that a finding which stays (an open port, a source still sending) must not be
 * asked again at the next scan: "decline" (accepted, leave it) and "manual" (I'll do it by hand).
 * Nobody answering (`escalated`) is no answer, and is asked again.
 */
export const HELD_OUTCOMES: readonly IncidentStatus[] = ['declined', 'manual'];

/** How long a person's answer holds for each finding the security agent re-reads every scan. */
export const DECISION_HOLDS = {
  /** An exposed rule a person accepted ("bastion, temporary") is asked about again the next day. */
  exposure: 24 * 3_600_000,
  /** A flood a person declined is asked about again after the hour a block would have lasted. */
  flood: 3_600_000,
} as const;

export interface HeldDecision {
  outcome: IncidentStatus;
  /** When the finding may be asked about again (ISO). */
  until: string;
}

/**
 * Whether the last incident of a finding, closed with `outcome` at `closedAt`, still holds a new one
 * back at `now`.
 */
export function decisionHold(
  last: { outcome: string | undefined; closedAt: Date | undefined },
  holdMs: number,
  now: Date,
): HeldDecision | undefined {
  const outcome = HELD_OUTCOMES.find((o) => o === last.outcome);
  if (!outcome || !last.closedAt) return undefined;
  const until = last.closedAt.getTime() + holdMs;
  return until > now.getTime() ? { outcome, until: new Date(until).toISOString() } : undefined;
}
