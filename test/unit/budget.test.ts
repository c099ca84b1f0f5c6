import fc from 'fast-check';
import {
  EMPTY_BUDGET,
  expireLeases,
  grantLeases,
  nextDeadline,
  releaseLease,
  requestLease,
  type BudgetLimits,
  type BudgetState,
  type Lease,
  type LeaseRequest,
} from '../../domain/budget';

const HOUR = 3_600_000;

type Op =
  | { kind: 'request'; lease: number; resource: number; destructive: boolean }
  | { kind: 'release'; lease: number }
  | { kind: 'advance'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('request' as const),
    lease: fc.nat(60),
    resource: fc.nat(8),
    destructive: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('release' as const), lease: fc.nat(60) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20 * 60_000 }) }),
);

const limitsArb: fc.Arbitrary<BudgetLimits> = fc.record({
  maxConcurrent: fc.integer({ min: 1, max: 4 }),
  maxDestructivePerHour: fc.integer({ min: 0, max: 3 }),
  leaseTtlMs: fc.integer({ min: 60_000, max: 45 * 60_000 }),
});

/** A lease request from incident `i<id>` for a resource, asked at time 0. */
const lease = (id: string, resourceId: string, destructive = false): LeaseRequest => ({
  leaseId: id,
  incidentWorkflowId: `i${id}`,
  resourceId,
  destructive,
  requestedAt: 0,
});

describe('blast-radius budget', () => {
  test('under any storm of requests, releases and time, no limit is ever exceeded', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(op, { maxLength: 300 }), (limits, ops) => {
        let state: BudgetState = EMPTY_BUDGET;
        let now = 0;
        const destructiveGrantTimes: number[] = [];
        const everGranted = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'request') {
            state = requestLease(state, {
              leaseId: `l${o.lease}`,
              incidentWorkflowId: `i${o.lease}`,
              resourceId: `r${o.resource}`,
              destructive: o.destructive,
              requestedAt: now,
            });
          } else if (o.kind === 'release') {
            state = releaseLease(state, `l${o.lease}`);
          } else {
            now += o.ms;
          }
          state = expireLeases(state, now, limits).state;
          const result = grantLeases(state, now, limits);
          state = result.state;
          for (const lease of result.granted) {
            // A lease id is granted once while it is held; after release it may be asked for again.
            expect(state.active.filter((l: Lease) => l.leaseId === lease.leaseId)).toHaveLength(1);
            everGranted.add(lease.leaseId);
            if (lease.destructive) destructiveGrantTimes.push(now);
          }
          expect(state.active.length).toBeLessThanOrEqual(limits.maxConcurrent);
          const resources = state.active.map((l) => l.resourceId);
          expect(new Set(resources).size).toBe(resources.length);
          const lastHour = destructiveGrantTimes.filter((t) => now - t < HOUR).length;
          expect(lastHour).toBeLessThanOrEqual(limits.maxDestructivePerHour);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a blocked destructive request does not hold up the requests behind it', () => {
    const limits = { maxConcurrent: 2, maxDestructivePerHour: 0, leaseTtlMs: 60_000 };
    let state = requestLease(EMPTY_BUDGET, lease('a', 'r1', true));
    state = requestLease(state, lease('b', 'r2'));
    const { state: after, granted } = grantLeases(state, 0, limits);
    expect(granted.map((l) => l.leaseId)).toEqual(['b']);
    expect(after.waiting.map((w) => w.leaseId)).toEqual(['a']);
  });

  test('a lease that is never released is taken back after its time to live', () => {
    const limits = { maxConcurrent: 1, maxDestructivePerHour: 5, leaseTtlMs: 60_000 };
    let state = grantLeases(requestLease(EMPTY_BUDGET, lease('a', 'r1')), 0, limits).state;
    state = requestLease(state, lease('b', 'r2'));
    expect(grantLeases(state, 59_000, limits).granted).toEqual([]);
    expect(nextDeadline(state, limits)).toBe(60_000);
    const expired = expireLeases(state, 60_000, limits);
    expect(expired.expired.map((l) => l.leaseId)).toEqual(['a']);
    expect(grantLeases(expired.state, 60_000, limits).granted.map((l) => l.leaseId)).toEqual(['b']);
  });

  test('asking twice for the same lease queues it once; releasing twice is harmless', () => {
    const request = lease('a', 'r1');
    const twice = requestLease(requestLease(EMPTY_BUDGET, request), request);
    expect(twice.waiting).toHaveLength(1);
    expect(releaseLease(releaseLease(twice, 'a'), 'a')).toEqual(EMPTY_BUDGET);
  });
});

describe('severity priority', () => {
  const limits: BudgetLimits = { maxConcurrent: 1, maxDestructivePerHour: 10, leaseTtlMs: HOUR };
  const queued = (id: string, severity: LeaseRequest['severity'], at: number): LeaseRequest => ({
    ...lease(id, `r-${id}`),
    severity,
    requestedAt: at,
  });

  test('with priority on, the most severe waiting request is granted first, FIFO within a severity', () => {
    let state = [
      queued('a', 'low', 1),
      queued('b', 'low', 2),
      queued('c', 'critical', 3),
      queued('d', 'critical', 4),
    ].reduce(requestLease, EMPTY_BUDGET);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const step = grantLeases(state, 10 + i, limits, true);
      order.push(...step.granted.map((g) => g.leaseId));
      state = step.granted.reduce((s, g) => releaseLease(s, g.leaseId), step.state);
    }
    expect(order).toEqual(['c', 'd', 'a', 'b']);
    // Without priority (histories recorded before it): first come, first served.
    const fifo = grantLeases(
      [queued('a', 'low', 1), queued('c', 'critical', 3)].reduce(requestLease, EMPTY_BUDGET),
      10,
      limits,
    );
    expect(fifo.granted.map((g) => g.leaseId)).toEqual(['a']);
  });

  test('under any storm, no granted request ever jumps a waiting more severe one that fits', () => {
    const severities = ['critical', 'high', 'medium', 'low'] as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ severity: fc.constantFrom(...severities), resource: fc.integer({ min: 0, max: 4 }) }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 1, max: 4 }),
        (requests, maxConcurrent) => {
          let state = requests
            .map((r, i) => ({ ...lease(`l${i}`, `r${r.resource}`), severity: r.severity, requestedAt: i }))
            .reduce(requestLease, EMPTY_BUDGET);
          const { granted, state: after } = grantLeases(state, 100, { ...limits, maxConcurrent }, true);
          state = after;
          const rankOf = (s: LeaseRequest['severity']) => severities.indexOf(s ?? 'medium');
          const worstGranted = Math.max(-1, ...granted.map((g) => rankOf(g.severity)));
          // Anything more severe still waiting must be blocked by its resource being busy, not by order.
          return state.waiting.every(
            (w) =>
              rankOf(w.severity) >= worstGranted || state.active.some((a) => a.resourceId === w.resourceId),
          );
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});
