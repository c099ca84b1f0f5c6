import { GUIDANCE, guidePlan, type PolicyAdvice } from '../../domain/policy/guided-plan';
import type { RemediationStep } from '../../domain/incident';

const step = (action: string): RemediationStep => ({ action, reason: `why ${action}` }) as RemediationStep;
const plan = [step('reboot-instance'), step('stop-start-instance'), step('replace-instance')];
const advice = (scores: Record<string, [number, number]>): PolicyAdvice => ({
  version: 'remediation-policy-9',
  scores: Object.entries(scores).map(([action, [expected, pulls]]) => ({
    action,
    expected,
    pulls,
    destructive: action === 'replace-instance',
  })),
});

describe('the learned policy guiding the plan', () => {
  test('with no promoted policy the runbook order stands and nothing is said', () => {
    expect(guidePlan(plan, undefined)).toEqual({ plan });
  });

  test('an experienced favourite that clearly beats the runbook choice goes first, the rest keep their order', () => {
    const guided = guidePlan(
      plan,
      advice({
        'reboot-instance': [-0.2, 300],
        'stop-start-instance': [0.9, 150],
        'replace-instance': [0.5, 90],
      }),
    );
    expect(guided.plan.map((s) => s.action)).toEqual([
      'stop-start-instance',
      'reboot-instance',
      'replace-instance',
    ]);
    expect(guided.plan[0]?.reason).toMatch(
      /^Chosen first by the remediation policy remediation-policy-9: expected reward 0\.90 against -0\.20 for reboot-instance, learnt from 150 attempts\. why stop-start-instance$/,
    );
    expect(guided.note).toContain('put stop-start-instance before reboot-instance');
  });

  test('a favourite below the margin, or learnt from too few attempts, does not overrule the runbook', () => {
    const close = guidePlan(
      plan,
      advice({ 'reboot-instance': [0.5, 300], 'stop-start-instance': [0.5 + GUIDANCE.margin / 2, 150] }),
    );
    expect(close.plan).toBe(plan);
    expect(close.note).toContain('not by the');
    const green = guidePlan(
      plan,
      advice({ 'reboot-instance': [0.1, 300], 'stop-start-instance': [0.9, GUIDANCE.minPulls - 1] }),
    );
    expect(green.plan).toBe(plan);
    expect(green.note).toContain('agrees with the runbook');
  });

  test('a destructive favourite never goes ahead of a gentler runbook choice', () => {
    const hot = [step('reboot-instance'), step('replace-instance')];
    const guided = guidePlan(hot, advice({ 'reboot-instance': [-0.5, 300], 'replace-instance': [0.9, 300] }));
    expect(guided.plan).toBe(hot);
    expect(guided.note).toContain('a destructive step does not go ahead of a gentler one');
  });

  test('a plan led by a step the policy does not know is never reordered', () => {
    const stopped = [step('start-instance'), step('replace-instance')];
    expect(guidePlan(stopped, advice({ 'replace-instance': [0.9, 500] }))).toEqual({ plan: stopped });
    const single = [step('reboot-instance')];
    expect(guidePlan(single, advice({ 'reboot-instance': [0.9, 500] }))).toEqual({ plan: single });
  });
});
