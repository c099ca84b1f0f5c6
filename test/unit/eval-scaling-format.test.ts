import { formatScaling, type ScalingEvaluation } from '../../cli/eval-scaling';

const run = (policy: string, violationMinutes: number) => ({
  policy,
  violationMinutes,
  instanceHours: 100,
  scalingActions: 10,
  minutes: 1440,
});
const row = (reactive: number, predictive: number): ScalingEvaluation => ({
  trace: 'demand',
  capacityPerInstance: 50,
  reactive: run('target tracking', reactive),
  predictive: run('predictive', predictive),
});
const total = (reactive: number, predictive: number) =>
  formatScaling([row(reactive, predictive)])
    .split('\n')
    .at(-1);

describe('eval scaling: the total line says which way the violation minutes went', () => {
  test('fewer, more, and no baseline to take a share of', () => {
    expect(total(200, 50)).toBe(
      'total: SLO-violation minutes 200 → 50 (75.0 % fewer), instance-hours ×1.000',
    );
    expect(total(200, 250)).toBe(
      'total: SLO-violation minutes 200 → 250 (25.0 % more), instance-hours ×1.000',
    );
    expect(total(0, 4)).toBe(
      'total: SLO-violation minutes 0 → 4 (target tracking had none), instance-hours ×1.000',
    );
    expect(total(0, 0)).toBe('total: SLO-violation minutes 0 → 0 (none either way), instance-hours ×1.000');
  });
});
