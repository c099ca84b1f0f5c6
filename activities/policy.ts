import type { MedicConfig } from '../domain/config';
import type { Mode } from '../domain/incident';
import type { EscalationPolicy } from '../domain/escalation';

export interface IncidentPolicy {
  defaultMode: Mode;
  approvalTimeout: string;
  verifyTimeoutSeconds: number;
  verifyIntervalSeconds: number;
  temporalUiUrl: string;
  namespace: string;
  /** The web console, where a person approves; absent in histories recorded before it existed. */
  consoleUrl?: string;
  /** Absent in histories recorded before the circuit breaker existed. */
  circuitBreakerThreshold?: number;
  circuitBreakerWindowMinutes?: number;
  /** Absent in histories recorded before the blast-radius budget existed. */
  leaseWait?: string;
  /** Absent in histories recorded before flapping suppression existed. */
  flapCooldown?: string;
  /** Absent in histories recorded before quorum approvals existed. */
  quorum?: Record<string, number>;
  /** Absent in histories recorded before escalation chains existed. */
  escalation?: EscalationPolicy;
  /** Whether drift proposals are made; absent (no) in histories recorded before the coding agent. */
  infraRepoConfigured?: boolean;
  /**
   * With trusted egress destinations configured: how often an outbound surge waiting for a person
   * reads its flow logs again, for proof that arrived late (decision 0060). Absent: no destination is
   * trusted, or the history predates it.
   */
  trustedEgressRecheckSeconds?: number;
  /**
   * How often a `not-serving` incident waiting for a person reads the instance's requests again: one
   * that serves again closes itself (decision 0069). Absent in histories that predate it.
   */
  notServingRecheckSeconds?: number;
}

/**
 * The worker's configuration, read by the workflow through an activity so that it is recorded in
 * history: replaying an old incident sees the settings it ran with, not today's.
 */
export function createPolicyActivities(config: MedicConfig) {
  async function loadIncidentPolicy(): Promise<IncidentPolicy> {
    return {
      defaultMode: config.defaultMode,
      approvalTimeout: config.approvalTimeout,
      verifyTimeoutSeconds: config.verifyTimeoutSeconds,
      verifyIntervalSeconds: config.verifyIntervalSeconds,
      temporalUiUrl: config.temporalUiUrl,
      namespace: config.temporalNamespace,
      consoleUrl: config.consoleUrl,
      circuitBreakerThreshold: config.circuitBreakerThreshold,
      circuitBreakerWindowMinutes: config.circuitBreakerWindowMinutes,
      leaseWait: config.leaseWait,
      flapCooldown: config.flapCooldown,
      quorum: config.quorum,
      escalation: config.escalation,
      infraRepoConfigured: config.infraRepo !== undefined,
      notServingRecheckSeconds: config.notServingRecheckSeconds,
      ...(config.trustedEgress.length > 0
        ? { trustedEgressRecheckSeconds: config.trustedEgressRecheckSeconds }
        : {}),
    };
  }
  return { loadIncidentPolicy };
}
