import type { IncidentKind, Mode } from './incident';

/**
 * The mode of an incident: an explicit request wins, then the resource's `medic:mode` tag (so
 * operators can mark critical resources MANUAL), then the configured default.
 */
export function resolveMode(
  requested: Mode | undefined,
  resourceTag: Mode | undefined,
  configured: Mode,
): Mode {
  return requested ?? resourceTag ?? configured;
}

export function parseModeTag(value: string | undefined): Mode | undefined {
  const normalised = value?.trim().toLowerCase();
  return normalised === 'auto' || normalised === 'manual' ? normalised : undefined;
}

/**
 * Kinds whose plan acts on a detector's suspicion rather than a finding, with why a person decides:
 * an outbound surge may be a leak or a backup, and isolating a serving instance on a guess takes it
 * out of service.
 */
const DECIDED_BY_A_PERSON: Partial<Record<IncidentKind, string>> = {
  'egress-surge':
    "an outbound surge is a suspicion of data leaving, not a finding; isolating a serving instance on a detector's word is a person's call",
};

export const suspicionReason = (kind: IncidentKind): string | undefined => DECIDED_BY_A_PERSON[kind];

/**
 * Guardrails that override every mode source: a protected resource, or one whose circuit breaker
 * is open, is never acted on automatically. Returns why, or undefined when none applies.
 */
export function forcedManualReason(
  isProtected: boolean | undefined,
  recentIncidents: number | undefined,
  breaker: { threshold: number; windowMinutes: number },
): string | undefined {
  if (isProtected) return 'the resource is tagged medic:protect=true';
  if (recentIncidents !== undefined && recentIncidents >= breaker.threshold) {
    return `circuit breaker open: ${recentIncidents} incidents closed on this resource in the last ${breaker.windowMinutes} min`;
  }
  return undefined;
}
