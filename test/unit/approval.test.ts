import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { approvalsRequired, checkDecision, parseQuorum, planHash } from '../../domain/approval';
import type { RemediationStep } from '../../domain/incident';
import { sha256Hex } from '../../domain/sha256';
import { chainFor, parseEscalation } from '../../domain/escalation';

const plan: RemediationStep[] = [
  { action: 'reboot-instance', reason: 'kernel hang' },
  { action: 'replace-instance', reason: 'host gone' },
];

describe('sha256Hex', () => {
  test('equals node:crypto for any text, including multi-block and non-ASCII input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (text) => sha256Hex(text) === createHash('sha256').update(text, 'utf8').digest('hex'),
      ),
      { numRuns: 300, seed: 7 },
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('approvals', () => {
  test('the plan hash changes when any step, its order or the resource changes', () => {
    const h = planHash('i-1', 'status-check-failed', plan);
    expect(planHash('i-1', 'status-check-failed', [...plan])).toBe(h);
    expect(planHash('i-1', 'status-check-failed', [...plan].reverse())).not.toBe(h);
    expect(planHash('i-2', 'status-check-failed', plan)).not.toBe(h);
    expect(planHash('i-1', 'status-check-failed', plan.slice(0, 1))).not.toBe(h);
  });

  test('quorum: the most demanding step decides; bad specs name the entry', () => {
    const quorum = parseQuorum('replace-instance=2, stop-start-instance=3');
    expect(approvalsRequired(plan, quorum)).toBe(2);
    expect(approvalsRequired(plan.slice(0, 1), quorum)).toBe(1);
    expect(() => parseQuorum('replace=two')).toThrow('"replace=two"');
    expect(parseQuorum('')).toEqual({});
  });

  test('a stale hash, a second approval by the same person, and an unbound quorum approval are refused', () => {
    const h = planHash('i-1', 'k', plan);
    const first = { by: 'ana', at: 't', planHash: h };
    expect(checkDecision({ decision: 'approve', by: 'bo', planHash: h }, [first], h, 2)).toEqual({
      ok: true,
    });
    expect(checkDecision({ decision: 'approve', by: 'ANA ', planHash: h }, [first], h, 2)).toMatchObject({
      ok: false,
    });
    expect(checkDecision({ decision: 'approve', by: 'bo', planHash: 'old' }, [first], h, 2)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('plan changed') as unknown,
    });
    expect(checkDecision({ decision: 'approve', by: 'bo' }, [first], h, 2)).toMatchObject({ ok: false });
    expect(checkDecision({ decision: 'approve', by: 'bo' }, [], h, 1)).toEqual({ ok: true });
    expect(checkDecision({ decision: 'decline', by: 'ana' }, [first], h, 2)).toEqual({ ok: true });
  });
});

describe('escalation chains', () => {
  test('parse per severity with a default, and refuse malformed chains naming the part', () => {
    const policy = parseEscalation('critical=oncall:5m,lead:10m,act; default=oncall:30m,decline');
    expect(chainFor(policy, 'critical')).toEqual({
      levels: [
        { notify: 'oncall', after: '5m' },
        { notify: 'lead', after: '10m' },
      ],
      finally: 'act',
    });
    expect(chainFor(policy, 'low')?.finally).toBe('decline');
    expect(chainFor(parseEscalation(''), 'low')).toBeUndefined();
    expect(() => parseEscalation('urgent=oncall:5m,act')).toThrow('"urgent=oncall:5m,act"');
    expect(() => parseEscalation('high=oncall:5m')).toThrow('must end with decline or act');
    expect(() => parseEscalation('high=oncall:soon,decline')).toThrow('"oncall:soon"');
    expect(() => parseEscalation('high=act')).toThrow('at least one');
  });
});
