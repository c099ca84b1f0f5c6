import { previousInstanceSize } from '../../domain/sizing';
import { downsizeSaving, idleVerdict, monthlySaving } from '../../domain/cost';
import { planRemediation } from '../../domain/planner';

const points = (values: number[]) =>
  values.map((value, i) => ({ at: `2026-11-26T10:00:${String(i).padStart(2, '0')}Z`, value }));

describe('idle instances', () => {
  test('quiet for the whole window is idle; one busy period is not; missing data never is', () => {
    expect(idleVerdict(points([1, 0.5, 2, 1]), points([100, 300]), 4)).toMatchObject({
      idle: true,
      peakCpu: 2,
    });
    expect(idleVerdict(points([1, 0.5, 40, 1]), points([100]), 4)).toMatchObject({
      idle: false,
      reason: 'CPU peaked at 40.0%',
    });
    expect(idleVerdict(points([1, 1, 1, 1]), points([9e6]), 4).reason).toMatch(/network peaked/);
    expect(idleVerdict(points([1, 1]), points([1]), 10)).toEqual({
      idle: false,
      reason: 'CPU data covers 2 of 10 periods',
    });
    expect(idleVerdict(points([1, 1, 1, 1]), [], 4)).toEqual({ idle: false, reason: 'no network data' });
  });

  test('savings from on-demand prices; unknown types are not guessed', () => {
    expect(monthlySaving('t3.micro')).toBe(7.59);
    expect(monthlySaving('m5.large')).toBe(70.08);
    expect(monthlySaving('x9.mega')).toBeUndefined();
    expect(monthlySaving(undefined)).toBeUndefined();
  });

  test('the plan stops a running idle instance and nothing else', () => {
    const diagnosis = { exists: true, state: 'running', recentStatusCheckFailures: 0, findings: [] };
    expect(planRemediation('instance-idle', diagnosis).map((s) => s.action)).toEqual(['stop-instance']);
    expect(planRemediation('instance-idle', { ...diagnosis, state: 'stopped' })).toEqual([]);
  });
});

describe('down-sizing', () => {
  test('one size down in the family, priced as the difference', () => {
    expect(previousInstanceSize('t3.small')).toBe('t3.micro');
    expect(previousInstanceSize('t3.nano')).toBeUndefined();
    expect(previousInstanceSize('weird')).toBeUndefined();
    expect(downsizeSaving('m5.xlarge', 'm5.large')).toBe(70.08);
    expect(downsizeSaving('t3.micro', 'x9.mega')).toBeUndefined();
  });

  test('the plan down-sizes a running oversized instance when a smaller size exists', () => {
    const diagnosis = {
      exists: true,
      state: 'running',
      instanceType: 't3.small',
      recentStatusCheckFailures: 0,
      findings: [],
    };
    const plan = planRemediation('instance-oversized', diagnosis);
    expect(plan.map((s) => s.action)).toEqual(['downsize-instance']);
    expect(plan[0]?.reason).toMatch(/t3\.small becomes t3\.micro/);
    expect(planRemediation('instance-oversized', { ...diagnosis, instanceType: 't3.nano' })).toEqual([]);
  });
});
