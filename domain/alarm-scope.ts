import type { MetricPoint } from './detection';
import type { IncidentKind, Severity } from './incident';
import { membersNotServing, NOT_SERVING_ALARM_WINDOW_POINTS, stoppedTogether } from './serving';

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
  /** Requests a second over the read, when its application's agent publishes them. */
  requestRate?: MetricPoint[];
}

export interface ScopeThresholds {
  cpuHighPercent: number;
  latencyHighMs: number;
  errorRateFailurePercent: number;
  /** The siblings' median rate at which a member serving nothing is not serving (decision 0066). */
  notServingSiblingMinPerSecond: number;
}

/** When the members were read, and the period their datapoints are at. */
export interface ScopeRead {
  at: string;
  periodSeconds: number;
}

export type ScopeAnswer =
  /**
   * `manual`: the members' incidents wait for a person, whatever the alarm or the members' tags ask;
   * `severity`, when given, outranks the alarm's own.
   */
  | { action: 'open'; instanceIds: string[]; reason: string; mode?: 'manual'; severity?: Severity }
  | { action: 'scale-out'; group: string; reason: string }
  | { action: 'none'; reason: string };

interface Symptom {
  /** For a threshold symptom: the member's figure (undefined when it publishes none) and the bar. */
  bar?: { figure: (m: MemberReading) => number | undefined; threshold: number };
  /** Whether the member shows it. */
  shows: (m: MemberReading) => boolean;
  /** Whether any member could show it at all (it publishes the metric). */
  readable: (m: MemberReading) => boolean;
  /** "CPU at or above 90%" */
  describe: string;
  /** Load spread over most members is capacity, not a fault of each. */
  load: boolean;
  /** Why the members showing it are a person's call rather than each one's to heal, and how severe, when they are. */
  forAPerson?: { why: string; severity: Severity };
}

/** A symptom that is a figure at or above a threshold. */
const aboveThreshold = (
  figure: (m: MemberReading) => number | undefined,
  threshold: number,
  describe: string,
  load: boolean,
): Symptom => ({
  bar: { figure, threshold },
  shows: (m) => (figure(m) ?? -Infinity) >= threshold,
  readable: (m) => figure(m) !== undefined,
  describe,
  load,
});

/**
 * The members behind the alarm that stopped serving while the others serve (decision 0066): the
 * balancer's unhealthy-host alarm says how many, this says which. When every member stopped together
 * there is no sibling to compare with, and the alarm itself is the evidence (decision 0067): all of them
 * get incidents, for a person, since one cause behind them all (a dependency, a release, the balancer)
 * is likelier than each application dying at once, and restarting every member cannot fix it.
 */
function notServingSymptom(
  t: ScopeThresholds,
  scope: string,
  members: readonly MemberReading[],
  read?: ScopeRead,
): Symptom {
  const running = members
    .filter((m) => m.state === 'running')
    .map((m) => ({ instanceId: m.instanceId, group: scope, requestRate: m.requestRate ?? [] }));
  const alone = membersNotServing(
    running,
    t.notServingSiblingMinPerSecond,
    NOT_SERVING_ALARM_WINDOW_POINTS,
  ).map((n) => n.instanceId);
  const together =
    alone.length === 0 && read ? stoppedTogether(running, read.at, read.periodSeconds) : undefined;
  const silent = new Set(together?.instanceIds ?? alone);
  return {
    shows: (m) => silent.has(m.instanceId),
    readable: (m) => (m.requestRate?.length ?? 0) > 0,
    describe: together
      ? `no requests served since ${together.lastServedAt}`
      : 'no requests served while the other members serve',
    load: false,
    ...(together
      ? {
          // Nothing behind the balancer answers: the service is down, not one instance.
          forAPerson: {
            why: 'they stopped together, so one cause behind them all (a dependency, a release, the balancer) is likelier than each application failing at once: a person decides, with the root cause ranking in each report',
            severity: 'critical',
          },
        }
      : {}),
  };
}

const SYMPTOMS: Partial<
  Record<
    IncidentKind,
    (t: ScopeThresholds, scope: string, members: readonly MemberReading[], read?: ScopeRead) => Symptom
  >
> = {
  'not-serving': notServingSymptom,
  'status-check-failed': () => ({
    shows: (m) => m.statusCheckFailed || m.state === 'stopped' || m.state === 'stopping',
    readable: () => true,
    describe: 'failing status checks (or stopped)',
    load: false,
  }),
  'cpu-high': (t) =>
    aboveThreshold((m) => m.cpuPercent, t.cpuHighPercent, `CPU at or above ${t.cpuHighPercent}%`, true),
  'latency-high': (t) =>
    aboveThreshold(
      (m) => m.latencyP99Ms,
      t.latencyHighMs,
      `p99 latency at or above ${t.latencyHighMs} ms`,
      true,
    ),
  'error-rate-rising': (t) =>
    aboveThreshold(
      (m) => m.errorRatePercent,
      t.errorRateFailurePercent,
      `an error rate at or above ${t.errorRateFailurePercent}%`,
      false,
    ),
};

const THRESHOLD_OF: Partial<Record<IncidentKind, keyof ScopeThresholds>> = {
  'cpu-high': 'cpuHighPercent',
  'latency-high': 'latencyHighMs',
  'error-rate-rising': 'errorRateFailurePercent',
};

/**
 * The thresholds members are judged against for a `kind` alarm: the alarm's own, in the members'
 * unit (`alarm_threshold`), when it gives one. A person who alarms on CPU above 75 % means 75 %, not
 * cloud-medic's 90 %, and a group at 80 % everywhere is then the group's load, not nobody's.
 */
export function thresholdsForAlarm(
  kind: IncidentKind,
  base: ScopeThresholds,
  alarmThreshold: string | undefined,
): ScopeThresholds {
  const field = THRESHOLD_OF[kind];
  const value = alarmThreshold === undefined || alarmThreshold.trim() === '' ? NaN : Number(alarmThreshold);
  return field && Number.isFinite(value) && value > 0 ? { ...base, [field]: value } : base;
}

const LIVE = new Set(['pending', 'running', 'stopping', 'stopped']);

/**
 * What to do about a `kind` alarm on `scope` (a group or load balancer), given its members now. `read`
 * (when and at what period they were read) lets a silence every member shares be judged by the clock.
 */
export function answerAlarmScope(
  kind: IncidentKind,
  scope: string,
  members: readonly MemberReading[],
  thresholds: ScopeThresholds,
  read?: ScopeRead,
): ScopeAnswer {
  const symptomOf = SYMPTOMS[kind];
  if (!symptomOf)
    return {
      action: 'none',
      reason: `a ${kind} alarm on ${scope} names no instance, and cloud-medic judges ${kind} per instance`,
    };
  const symptom = symptomOf(thresholds, scope, members, read);
  const live = members.filter((m) => LIVE.has(m.state));
  if (live.length === 0) return { action: 'none', reason: `${scope} has no members to look at` };
  const showing = live.filter(symptom.shows);
  const what = symptom.describe;
  if (showing.length === 0) {
    const unread = live.some(symptom.readable) ? '' : ' (none of them publishes the metric)';
    return {
      action: 'none',
      reason: `none of the ${live.length} members of ${scope} shows ${what} now${unread}; the alarm may have passed`,
    };
  }
  const load = symptom.load ? sharedLoad(symptom, scope, live, showing) : undefined;
  if (load)
    return {
      action: 'scale-out',
      group: load.group,
      reason: `${load.why}: the load is the group's, not one instance's fault, so ${load.group} gets one more instance (within its maximum) instead of restarts that would take capacity away`,
    };
  const instanceIds = showing.map((m) => m.instanceId);
  if (symptom.forAPerson)
    return {
      action: 'open',
      instanceIds,
      reason: `${showing.length} of ${live.length} members of ${scope} show ${what}: ${symptom.forAPerson.why}`,
      mode: 'manual',
      severity: symptom.forAPerson.severity,
    };
  return {
    action: 'open',
    instanceIds,
    reason: `${showing.length} of ${live.length} members of ${scope} show ${what}: each gets its own incident`,
  };
}

/**
 * Load is the group's when a strict majority of its members show it, or when their mean does (what
 * an alarm on the group's Average measures): two members just under the bar and one over it are a
 * group at its limit, and restarting the one over it would take capacity away.
 */
function sharedLoad(
  symptom: Symptom,
  scope: string,
  live: readonly MemberReading[],
  showing: readonly MemberReading[],
): { group: string; why: string } | undefined {
  const what = symptom.describe;
  const showingGroups = new Set(showing.map((m) => m.group));
  const [showingGroup] = showingGroups;
  if (2 * showing.length > live.length && showingGroups.size === 1 && showingGroup !== undefined)
    return {
      group: showingGroup,
      why: `${showing.length} of ${live.length} members of ${scope} show ${what}`,
    };
  // The mean speaks for one group only: a balancer in front of two says nothing about either.
  const groups = new Set(live.map((m) => m.group));
  const [group] = groups;
  const bar = symptom.bar;
  if (groups.size !== 1 || group === undefined || !bar) return undefined;
  const figures = live.map(bar.figure).filter((v): v is number => v !== undefined);
  if (figures.length * 2 <= live.length) return undefined;
  const mean = figures.reduce((a, b) => a + b, 0) / figures.length;
  return mean >= bar.threshold
    ? {
        group,
        why: `the ${figures.length} members of ${scope} average ${formatFigure(mean)}, at or above the bar of ${formatFigure(bar.threshold)} (${showing.length} of them over it)`,
      }
    : undefined;
}

const formatFigure = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));
