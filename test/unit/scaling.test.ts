import fc from 'fast-check';
import { HoltWinters } from '../../domain/scaling/forecaster';
import {
  PredictiveScaling,
  simulate,
  TargetTracking,
  type ServiceModel,
  type TracePoint,
} from '../../domain/scaling/simulator';
import { normal, seededRandom } from '../../domain/random';

const model: ServiceModel = {
  capacityPerInstance: 100,
  bootDelayMinutes: 5,
  minInstances: 1,
  maxInstances: 1000,
};
const STEP = 300; // five-minute points, 288 a day

/** Ten days of a daily pattern with a steep morning ramp, plus a little noise. */
function dailyTrace(days = 10, seed = 3): TracePoint[] {
  const random = seededRandom(seed);
  const perDay = 86_400 / STEP;
  return Array.from({ length: days * perDay }, (_, i) => {
    const hour = ((i % perDay) * STEP) / 3600;
    const busy = hour >= 8 && hour < 18 ? 1 : 0;
    const ramp = hour >= 7 && hour < 8 ? hour - 7 : busy;
    return { time: i * STEP, value: Math.max(0, 200 + 1800 * ramp + 30 * normal(random)) };
  });
}

describe('HoltWinters', () => {
  test('forecasts a clean seasonal series with trend closely after a few seasons', () => {
    const season = 24;
    const f = new HoltWinters({ seasonLength: season, alpha: 0.3, beta: 0.05, gamma: 0.3 });
    const value = (i: number) => 100 + 0.5 * i + 20 * Math.sin((2 * Math.PI * i) / season);
    for (let i = 0; i < season * 8; i++) f.observe(value(i));
    for (const h of [1, 6, 12]) expect(Math.abs(f.forecast(h) - value(season * 8 - 1 + h))).toBeLessThan(2);
  });

  test('is not ready, and says so with NaN, before one full season', () => {
    const f = new HoltWinters({ seasonLength: 10, alpha: 0.3, beta: 0.05, gamma: 0.3 });
    for (let i = 0; i < 9; i++) f.observe(i);
    expect(f.ready).toBe(false);
    expect(f.forecast(1)).toBeNaN();
    expect(() => new HoltWinters({ seasonLength: 1, alpha: 0.3, beta: 0, gamma: 0 })).toThrow(/seasonLength/);
  });
});

describe('scaling simulation', () => {
  test('a constant demand needs no scaling and is never violated', () => {
    const trace = Array.from({ length: 100 }, (_, i) => ({ time: i * STEP, value: 500 }));
    const result = simulate(trace, model, new TargetTracking(model));
    expect(result.violationMinutes).toBe(0);
    expect(result.scalingActions).toBe(0);
    expect(result.instanceHours).toBeCloseTo((Math.ceil(500 / 100 / 0.7) * result.minutes) / 60, 5);
  });

  test('a sudden step is violated for at least the boot delay under target tracking', () => {
    const trace = Array.from({ length: 50 }, (_, i) => ({ time: i * STEP, value: i < 20 ? 200 : 3000 }));
    const result = simulate(trace, model, new TargetTracking(model));
    expect(result.violationMinutes).toBeGreaterThanOrEqual(model.bootDelayMinutes);
    expect(result.scalingActions).toBeGreaterThan(0);
  });

  test('on a recurring daily ramp the predictive policy has far fewer violations for no more instance-hours', () => {
    const trace = dailyTrace();
    const reactive = simulate(trace, model, new TargetTracking(model));
    const predictive = simulate(
      trace,
      model,
      new PredictiveScaling(
        model,
        { stepSeconds: STEP, targetUtilisation: 0.9, errorMargin: 1, agreedScaleInMinutes: 5 },
        { targetUtilisation: 0.9, scaleOutMinutes: 3, scaleInMinutes: 15, scaleInCooldownMinutes: 5 },
      ),
    );
    expect(reactive.violationMinutes).toBeGreaterThan(20);
    expect(predictive.violationMinutes).toBeLessThan(reactive.violationMinutes * 0.5);
    expect(predictive.instanceHours).toBeLessThanOrEqual(reactive.instanceHours);
  });

  test('the predictive policy never scales in below what the observed load needs', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5000 }), { minLength: 300, maxLength: 600 }), (values) => {
        const policy = new PredictiveScaling(model, {
          stepSeconds: 3600,
          targetUtilisation: 0.9,
          errorMargin: 1,
          agreedScaleInMinutes: 5,
        });
        let desired = 5;
        for (const [minute, demand] of values.entries()) {
          if (minute % 60 === 0) policy.observePoint(demand);
          const next = policy.decide({ minute, lastMinuteDemand: demand, inService: desired, desired });
          if (next < desired && next < Math.ceil(demand / (model.capacityPerInstance * 0.9))) return false;
          desired = Math.max(1, next);
        }
        return true;
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});
