import type { IncidentKind } from './incident';

/**
 * A CloudWatch alarm on a group of instances (its Auto Scaling group, or the load balancer in front of
 * them) names no instance, and cloud-medic heals instances. Each such alarm is answered from what the
 * members show now (decision 0061): the members that show the symptom get incidents of their own; load
 * that most of them share is the group's, and the group gets one more instance; nobody showing it is
 * said, not guessed at.
 */

/** What a CloudWatch alarm's dimensions name, as `alarmToAlert` labels it (`resource_type`). */
export const RESOURCE_TYPES = ['instance', 'group', 'load-balancer', 'database'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Resource types whose alarms are answered member by member. */
export const MEMBER_SCOPES: readonly ResourceType[] = ['group', 'load-balancer'];

/** One member of the alarm's group, read when the alarm arrives: its state and latest figures. */
export interface MemberReading {
  instanceId: string;
  state: string;
  /** Its Auto Scaling group, when it is in one. */
  group?: string;
  /** StatusCheckFailed among its latest datapoints. */
  statusCheckFailed: boolean;
  /** Means of its latest datapoints; absent when it publishes none. */
  cpuPercent?: number;
  latencyP99Ms?: number;
  errorRatePercent?: number;
}

export interface ScopeThresholds {
  cpuHighPercent: number;
  latencyHighMs: number;
  errorRateFailurePercent: number;
}

export type ScopeAnswer =
  | { action: 'open'; instanceIds: string[]; reason: string }
  | { action: 'scale-out'; group: string; reason: string }
  | { action: 'none'; reason: string };

interface Symptom {
  /** Whether the member shows it. */
  shows: (m: MemberReading) => boolean;
  /** Whether any member could show it at all (it publishes the metric). */
  readable: (m: MemberReading) => boolean;
  /** "CPU at or above 90%" */
  describe: (t: ScopeThresholds) => string;
  /** Load spread over most members is capacity, not a fault of each. */
  load: boolean;
}

const SYMPTOMS: Partial<Record<IncidentKind, (t: ScopeThresholds) => Symptom>> = {
  'status-check-failed': () => ({
    shows: (m) => m.statusCheckFailed || m.state === 'stopped' || m.state === 'stopping',
    readable: () => true,
    describe: () => 'failing status checks (or stopped)',
    load: false,
  }),
  'cpu-high': (t) => ({
    shows: (m) => (m.cpuPercent ?? 0) >= t.cpuHighPercent,
    readable: (m) => m.cpuPercent !== undefined,
    describe: () => `CPU at or above ${t.cpuHighPercent}%`,
    load: true,
  }),
  'latency-high': (t) => ({
    shows: (m) => (m.latencyP99Ms ?? 0) >= t.latencyHighMs,
    readable: (m) => m.latencyP99Ms !== undefined,
    describe: () => `p99 latency at or above ${t.latencyHighMs} ms`,
    load: true,
  }),
  'error-rate-rising': (t) => ({
    shows: (m) => (m.errorRatePercent ?? 0) >= t.errorRateFailurePercent,
    readable: (m) => m.errorRatePercent !== undefined,
    describe: () => `an error rate at or above ${t.errorRateFailurePercent}%`,
    load: false,
  }),
};

const LIVE = new Set(['pending', 'running', 'stopping', 'stopped']);

/** What to do about a `kind` alarm on `scope` (a group or load balancer), given its members now. */
export function answerAlarmScope(
  kind: IncidentKind,
  scope: string,
  members: readonly MemberReading[],
  thresholds: ScopeThresholds,
): ScopeAnswer {
  const symptomOf = SYMPTOMS[kind];
  if (!symptomOf)
    return {
      action: 'none',
      reason: `a ${kind} alarm on ${scope} names no instance, and cloud-medic judges ${kind} per instance`,
    };
  const symptom = symptomOf(thresholds);
  const live = members.filter((m) => LIVE.has(m.state));
  if (live.length === 0) return { action: 'none', reason: `${scope} has no members to look at` };
  const showing = live.filter(symptom.shows);
  const what = symptom.describe(thresholds);
  if (showing.length === 0) {
    const unread = live.some(symptom.readable) ? '' : ' (none of them publishes the metric)';
    return {
      action: 'none',
      reason: `none of the ${live.length} members of ${scope} shows ${what} now${unread}; the alarm may have passed`,
    };
  }
  const groups = new Set(showing.map((m) => m.group));
  const [group] = groups;
  if (symptom.load && 2 * showing.length > live.length && groups.size === 1 && group !== undefined)
    return {
      action: 'scale-out',
      group,
      reason: `${showing.length} of ${live.length} members of ${scope} show ${what}: the load is the group's, not one instance's fault, so ${group} gets one more instance (within its maximum) instead of restarts that would take capacity away`,
    };
  return {
    action: 'open',
    instanceIds: showing.map((m) => m.instanceId),
    reason: `${showing.length} of ${live.length} members of ${scope} show ${what}: each gets its own incident`,
  };
}
