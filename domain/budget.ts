/**
 * The fleet-wide blast-radius budget: how many remediation steps may run at once, how many
 * destructive ones (replacements) per hour, and one step per resource at a time. Pure state
 * transitions; the remediation-budget workflow holds the state and the incidents ask it for leases.
 */

import type { Severity } from './incident';

export interface BudgetLimits {
  maxConcurrent: number;
  maxDestructivePerHour: number;
  /** A lease not released within this time is taken back (its incident died or hangs). */
  leaseTtlMs: number;
}

export interface LeaseRequest {
  leaseId: string;
  incidentWorkflowId: string;
  resourceId: string;
  destructive: boolean;
  requestedAt: number;
  /** The incident's severity: with priority on, critical work is granted before lower. */
  severity?: Severity;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const rank = (r: LeaseRequest) => (r.severity ? SEVERITY_RANK[r.severity] : SEVERITY_RANK.medium);

/** Most severe first, then first come first served. */
export function byPriority(waiting: LeaseRequest[]): LeaseRequest[] {
  return [...waiting].sort((a, b) => rank(a) - rank(b) || a.requestedAt - b.requestedAt);
}

export interface Lease extends LeaseRequest {
  grantedAt: number;
}

export interface BudgetState {
  active: Lease[];
  waiting: LeaseRequest[];
  /** Grant times of destructive leases within the last hour. */
  destructiveGrants: number[];
}

export const EMPTY_BUDGET: BudgetState = { active: [], waiting: [], destructiveGrants: [] };
const HOUR_MS = 3_600_000;

export function requestLease(state: BudgetState, request: LeaseRequest): BudgetState {
  const known =
    state.active.some((l) => l.leaseId === request.leaseId) ||
    state.waiting.some((w) => w.leaseId === request.leaseId);
  return known ? state : { ...state, waiting: [...state.waiting, request] };
}

/** Releasing an unknown or waiting lease withdraws it; releasing twice is harmless. */
export function releaseLease(state: BudgetState, leaseId: string): BudgetState {
  return {
    ...state,
    active: state.active.filter((l) => l.leaseId !== leaseId),
    waiting: state.waiting.filter((w) => w.leaseId !== leaseId),
  };
}

export function expireLeases(
  state: BudgetState,
  now: number,
  limits: BudgetLimits,
): { state: BudgetState; expired: Lease[] } {
  const expired = state.active.filter((l) => now - l.grantedAt >= limits.leaseTtlMs);
  return {
    state: {
      ...state,
      active: state.active.filter((l) => now - l.grantedAt < limits.leaseTtlMs),
      destructiveGrants: state.destructiveGrants.filter((t) => now - t < HOUR_MS),
    },
    expired,
  };
}

/**
 * Grants waiting requests first come, first served, while the limits allow. A request that cannot
 * be granted (its resource is busy, or it is destructive and the hourly cap is reached) does not
 * hold up the requests behind it.
 */
export function grantLeases(
  state: BudgetState,
  now: number,
  limits: BudgetLimits,
  prioritise = false,
): { state: BudgetState; granted: Lease[] } {
  const active = [...state.active];
  const destructiveGrants = state.destructiveGrants.filter((t) => now - t < HOUR_MS);
  const waiting: LeaseRequest[] = [];
  const granted: Lease[] = [];
  for (const request of prioritise ? byPriority(state.waiting) : state.waiting) {
    const resourceBusy = active.some((l) => l.resourceId === request.resourceId);
    const overDestructive = request.destructive && destructiveGrants.length >= limits.maxDestructivePerHour;
    if (active.length < limits.maxConcurrent && !resourceBusy && !overDestructive) {
      const lease = { ...request, grantedAt: now };
      active.push(lease);
      granted.push(lease);
      if (request.destructive) destructiveGrants.push(now);
    } else {
      waiting.push(request);
    }
  }
  return { state: { active, waiting, destructiveGrants }, granted };
}

/** The earliest moment something changes by itself: a lease expiring or an hourly slot freeing. */
export function nextDeadline(state: BudgetState, limits: BudgetLimits): number | undefined {
  const times = [
    ...state.active.map((l) => l.grantedAt + limits.leaseTtlMs),
    ...(state.waiting.some((w) => w.destructive) ? state.destructiveGrants.map((t) => t + HOUR_MS) : []),
  ];
  return times.length ? Math.min(...times) : undefined;
}
