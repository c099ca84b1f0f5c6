import type { MetricPoint } from './detection';
import { mean, median } from './statistics';

/**
 * An application that died on a running instance leaves EC2's checks passing: the instance is up, its
 * CPU falls (a fall is no fault), and an agent that dies with it publishes no latency or error rate. Its
 * group siblings still serve, so the balancer still sends the group traffic: an instance that served
 * lately, serves nothing now while they do, has stopped answering (decision 0066).
 */

/** Datapoints of the group's newest that must pass with no request served (5 min at one-minute periods). */
export const NOT_SERVING_WINDOW_POINTS = 5;

/**
 * The same window when a balancer's unhealthy-host alarm names the group: its failing health checks are
 * evidence too, and the alarm arrives about two minutes after an application dies (two failed checks 30 s
 * apart, then a one-minute period evaluated). CloudWatch notifies an alarm once, on its change, so a
 * window longer than that would find nobody, answer "the alarm may have passed", and never look again.
 */
export const NOT_SERVING_ALARM_WINDOW_POINTS = 2;

/** Whether any request was served at or after `from`. */
const servedSince = (points: readonly MetricPoint[], from: string) =>
  points.some((p) => p.at >= from && p.value > 0);
/** The newest datapoint with a request served before `before` (any, without it). */
const lastServed = (points: readonly MetricPoint[], before?: string) =>
  points
    .filter((p) => p.value > 0 && (before === undefined || p.at < before))
    .map((p) => p.at)
    .sort()
    .at(-1);

/** One running group member's request rate, as the fleet monitor read it. */
export interface MemberRequests {
  instanceId: string;
  group: string;
  /** Requests a second, oldest first or not: sorted here. */
  requestRate: MetricPoint[];
}

export interface NotServing {
  instanceId: string;
  group: string;
  /** The newest datapoint it served a request in (the episode's identity: it starts over when it serves again). */
  lastServedAt: string;
  /** The window's first and last datapoint times, from its siblings' series. */
  windowFrom: string;
  windowTo: string;
  /** Its siblings' median request rate over the window, and how many spoke. */
  siblingsMedian: number;
  siblings: number;
}

/**
 * The members that served requests earlier in the read and none in the group's newest `windowPoints`
 * datapoints (no datapoint, or zeros: an agent may die with the application), while their siblings'
 * median rate over those datapoints is at least `siblingMinPerSecond`.
 * The window is the siblings' newest datapoints, not the clock's: metrics arrive late, and a member's
 * silence counts only over time its siblings have already reported.
 */
export function membersNotServing(
  members: readonly MemberRequests[],
  siblingMinPerSecond: number,
  windowPoints = NOT_SERVING_WINDOW_POINTS,
): NotServing[] {
  const byGroup = new Map<string, MemberRequests[]>();
  for (const m of members) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m]);
  const found: NotServing[] = [];
  for (const [group, inGroup] of byGroup) {
    if (inGroup.length < 2) continue;
    for (const member of inGroup) {
      const siblings = inGroup.filter((s) => s.instanceId !== member.instanceId);
      const times = [...new Set(siblings.flatMap((s) => s.requestRate.map((p) => p.at)))].sort();
      const window = times.slice(-windowPoints);
      if (window.length < windowPoints) continue;
      const windowFrom = window[0] ?? '';
      const windowTo = window.at(-1) ?? '';
      const inWindow = (p: MetricPoint) => p.at >= windowFrom && p.at <= windowTo;
      // Siblings that reported most of the window speak for the group's demand.
      const rates = siblings
        .map((s) => s.requestRate.filter(inWindow))
        .filter((points) => 2 * points.length >= windowPoints)
        .map((points) => mean(points.map((p) => p.value)));
      if (rates.length === 0) continue;
      const siblingsMedian = median(rates);
      if (siblingsMedian < siblingMinPerSecond) continue;
      if (servedSince(member.requestRate, windowFrom)) continue;
      const lastServedAt = lastServed(member.requestRate, windowFrom);
      // A member that never served in the read (just launched, not yet behind the balancer) is not judged.
      if (lastServedAt === undefined) continue;
      found.push({
        instanceId: member.instanceId,
        group,
        lastServedAt,
        windowFrom,
        windowTo,
        siblingsMedian,
        siblings: rates.length,
      });
    }
  }
  return found;
}

/**
 * Periods with no request served on any member before a balancer's alarm counts as the whole scope
 * stopping together: as many as the alarm's window (`NOT_SERVING_ALARM_WINDOW_POINTS`), by the clock.
 * CloudWatch dates a datapoint by its period's start, so a serving member's newest one is at most a
 * period or two old when it is read; a member whose datapoints are later than that reads as silent.
 */
export const SCOPE_SILENT_PERIODS = NOT_SERVING_ALARM_WINDOW_POINTS;

export interface StoppedTogether {
  /** The running members that served earlier in the read and serve nothing now. */
  instanceIds: string[];
  /** The newest datapoint any of them served in. */
  lastServedAt: string;
  /** Since when none of them has served a request. */
  silentFrom: string;
}

/**
 * Members that all stopped serving at once have no sibling to measure demand by, so `membersNotServing`
 * finds none of them. Behind a balancer whose unhealthy-host alarm fired, the alarm is the evidence that
 * requests go unanswered: every member that served earlier in the read served none over the
 * `SCOPE_SILENT_PERIODS` periods before `readAt` (no datapoint, or zeros). Undefined when any member
 * serves there, or none served in the read.
 */
export function stoppedTogether(
  members: readonly MemberRequests[],
  readAt: string,
  periodSeconds: number,
): StoppedTogether | undefined {
  const silentFromMs = Date.parse(readAt) - SCOPE_SILENT_PERIODS * periodSeconds * 1000;
  const served = members
    .map((m) => ({
      instanceId: m.instanceId,
      at: m.requestRate.filter((p) => p.value > 0).map((p) => Date.parse(p.at)),
    }))
    .filter((m) => m.at.length > 0);
  if (served.length === 0) return undefined;
  const lastServedMs = Math.max(...served.flatMap((m) => m.at));
  if (!(lastServedMs < silentFromMs)) return undefined;
  return {
    instanceIds: served.map((m) => m.instanceId),
    lastServedAt: new Date(lastServedMs).toISOString(),
    silentFrom: new Date(silentFromMs).toISOString(),
  };
}

/** What a load balancer saw of the requests it routed to one Auto Scaling group's target groups. */
export interface BalancerView {
  group: string;
  /** The balancers that route to the group, as CloudWatch names them (`app/web-lb/50dc6c49…`). */
  balancers: string[];
  /** Requests a second the balancers routed to the group's target groups (their `RequestCount`). */
  routed: MetricPoint[];
  /** Responses a second the group's targets returned, whatever their HTTP code: the targets answered. */
  answered: MetricPoint[];
}

export interface UnansweredGroup {
  group: string;
  balancers: string[];
  /** The running members that served earlier in the read and serve nothing now. */
  instanceIds: string[];
  /** The newest datapoint any of them served in. */
  lastServedAt: string;
  /** The balancer's newest `windowPoints` datapoints, first and last. */
  windowFrom: string;
  windowTo: string;
  /** The balancer's mean routed rate over the window. */
  routedPerSecond: number;
}

/**
 * Groups whose members could all have stopped serving: some member served in the read, none since
 * `from`. A cheap filter before the balancers are read; `groupsUnanswered` decides.
 */
export function groupsSilentSince(members: readonly MemberRequests[], from: string): string[] {
  const served = new Map<string, boolean>();
  for (const m of members) {
    if (servedSince(m.requestRate, from)) served.set(m.group, false);
    else if (lastServed(m.requestRate) !== undefined && !served.has(m.group)) served.set(m.group, true);
  }
  return [...served].filter(([, silent]) => silent).map(([group]) => group);
}

/**
 * The monitor's answer to a whole group gone silent, which has no sibling to measure demand by and
 * no alarm to say requests go unanswered (decision 0070). Silence on every member reads two ways:
 * nobody asks, or nobody answers. The balancer in front of them tells which: over its newest
 * `windowPoints` datapoints it routed at least `minPerSecond` requests a second to the group, none
 * of its targets answered any of them (no response of any code: 5xx from a live application is
 * an answer), and no member served a request from the window's first datapoint on, while at least
 * one served before it. A balancer fails open when every target is unhealthy, so it keeps routing
 * to a dead group and counting what it routes. The window is the balancer's datapoints, not the
 * clock's: its metrics arrive as late as the members'.
 */
export function groupsUnanswered(
  members: readonly MemberRequests[],
  views: readonly BalancerView[],
  minPerSecond: number,
  windowPoints = NOT_SERVING_WINDOW_POINTS,
): UnansweredGroup[] {
  const found: UnansweredGroup[] = [];
  for (const view of views) {
    const window = [...view.routed].sort((a, b) => a.at.localeCompare(b.at)).slice(-windowPoints);
    const windowFrom = window[0]?.at;
    const windowTo = window.at(-1)?.at;
    if (window.length < windowPoints || windowFrom === undefined || windowTo === undefined) continue;
    const routedPerSecond = mean(window.map((p) => p.value));
    if (!(routedPerSecond >= minPerSecond)) continue;
    if (view.answered.some((p) => p.at >= windowFrom && p.value > 0)) continue;
    const inGroup = members.filter((m) => m.group === view.group);
    if (inGroup.some((m) => servedSince(m.requestRate, windowFrom))) continue;
    const served = inGroup
      .map((m) => ({ instanceId: m.instanceId, last: lastServed(m.requestRate) }))
      .filter((m): m is { instanceId: string; last: string } => m.last !== undefined);
    if (served.length === 0) continue;
    found.push({
      group: view.group,
      balancers: view.balancers,
      instanceIds: served.map((m) => m.instanceId),
      lastServedAt:
        served
          .map((m) => m.last)
          .sort()
          .at(-1) ?? '',
      windowFrom,
      windowTo,
      routedPerSecond,
    });
  }
  return found;
}
