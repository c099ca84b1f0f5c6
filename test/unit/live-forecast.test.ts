import fc from 'fast-check';
import { HoltWinters } from '../../domain/scaling/forecaster';
import {
  decideWithForecast,
  DEFAULT_PREDICTIVE,
  driftLevel,
  fitSmoothing,
  forecastDrift,
  forecastNeed,
  keepDriftedForecast,
  MIN_STEPS_FOR_EARLY_REFIT,
  newDemandForecast,
  observeDemand,
  refitDue,
  seedDemandForecast,
  type PredictiveSettings,
} from '../../domain/scaling/live-forecast';
import { decideCapacity, type ReactiveScalingPolicy } from '../../domain/scaling/reactive';
import { seededRandom as mulberry } from '../../domain/random';

const settings: PredictiveSettings = { stepSeconds: 300, bootSeconds: 600, errorMargin: 1 };
const perDay = 288;
const policy: ReactiveScalingPolicy = { targetCpuPercent: 60, minSize: 1, maxSize: 8, cooldownSeconds: 300 };
/** Demand (instance-%) of a group: 100 at night, 400 from 08:00 to 18:00. */
const demandAt = (step: number) => {
  const hour = ((step % perDay) * 300) / 3600;
  return hour >= 8 && hour < 18 ? 400 : 100;
};
const DAY0 = Date.parse('2026-11-20T00:00:00Z');

describe('the live demand forecast', () => {
  test('seeded with three days, it expects the morning rise before it happens and sizes the group for it', () => {
    // History up to 07:50 on day 4: the step being observed is 07:55, and the boot time (two more
    // steps) reaches 08:05.
    const steps = 3 * perDay + 95;
    const state = seedDemandForecast(settings, {
      start: DAY0,
      values: Array.from({ length: steps }, (_, i) => demandAt(i)),
    });
    expect(state.stepStart).toBe(DAY0 + steps * 300_000);
    const need = forecastNeed(state, settings, 60);
    expect(need?.peak).toBeGreaterThan(350);
    expect(need?.need).toBeGreaterThanOrEqual(7);
    // At 05:00 nothing is coming within the boot time.
    const night = seedDemandForecast(settings, {
      start: DAY0,
      values: Array.from({ length: 3 * perDay + 60 }, (_, i) => demandAt(i)),
    });
    expect(forecastNeed(night, settings, 60)?.need).toBeLessThanOrEqual(2);
  });

  test('live observations are averaged per step; gaps repeat the last demand; the one-step error is measured', () => {
    let state = seedDemandForecast(settings, {
      start: DAY0,
      values: Array.from({ length: 2 * perDay }, (_, i) => demandAt(i)),
    });
    const start = state.stepStart ?? 0;
    state = observeDemand(state, start + 10_000, 90, settings);
    state = observeDemand(state, start + 70_000, 110, settings);
    expect([state.stepSum, state.stepCount]).toEqual([200, 2]);
    // Three steps later: the averaged step (100) completes and two missing steps are filled with it.
    state = observeDemand(state, start + 3 * 300_000 + 5_000, 100, settings);
    expect(state.lastDemand).toBe(100);
    expect(state.measured).toBe(3);
    expect(state.mape).toBeLessThan(0.2);
    expect(HoltWinters.restore(state.forecaster).snapshot().observed).toBe(2 * perDay + 3);
  });

  test("the smoothing is fitted on the group's own history and replaces the default only when it forecasts the last day better", () => {
    // Demand whose level moves from day to day: a forecaster that follows the level (higher alpha) wins.
    const random = mulberry(9);
    let level = 200;
    const drifting = Array.from({ length: 4 * perDay }, (_, i) => {
      if (i % 36 === 0) level = Math.max(50, level + (random() - 0.5) * 200);
      return level + (demandAt(i) - 100) * 0.5 + (random() - 0.5) * 10;
    });
    const fit = fitSmoothing(drifting, settings);
    expect(fit?.heldOutMape).toBeLessThan(fit?.defaultMape ?? 0);
    expect(fit?.smoothing.alpha).toBeGreaterThan(0.3);
    expect(seedDemandForecast(settings, { start: DAY0, values: drifting }).fit).toEqual(fit);
    // Never worse than the default on the day that judges it; too little history is not fitted.
    const clean = Array.from({ length: 4 * perDay }, (_, i) => demandAt(i));
    const cleanFit = fitSmoothing(clean, settings);
    expect(cleanFit?.heldOutMape).toBeLessThanOrEqual(cleanFit?.defaultMape ?? -1);
    expect(fitSmoothing(clean.slice(0, 2 * perDay), settings)).toBeUndefined();
  });

  test('a snapshot restores the same forecaster', () => {
    const forecaster = new HoltWinters({ seasonLength: 4, alpha: 0.3, beta: 0.01, gamma: 0.2 });
    [1, 5, 2, 8, 1, 6, 2, 9, 2, 5].forEach((v) => forecaster.observe(v));
    const copy = HoltWinters.restore(JSON.parse(JSON.stringify(forecaster.snapshot())));
    expect([1, 2, 3].map((s) => copy.forecast(s))).toEqual([1, 2, 3].map((s) => forecaster.forecast(s)));
    expect(copy.typicalError).toBe(forecaster.typicalError);
  });
});

describe('forecast and reactive rule together', () => {
  const need = (n: number) => ({ need: n, peak: n * 60, upper: n * 60 });

  test('the forecast scales out ahead of demand within the maximum, and holds what it will need', () => {
    const quiet = decideCapacity(2, 50, policy, 1000);
    expect(decideWithForecast(2, quiet, need(5), policy, false)).toMatchObject({ desired: 5 });
    expect(decideWithForecast(2, quiet, need(20), policy, false).desired).toBe(8);
    expect(decideWithForecast(2, quiet, need(5), policy, false).reason).toMatch(/^scaling ahead of demand/);
    const idle = decideCapacity(6, 10, policy, 1000);
    expect(idle.desired).toBe(1);
    const held = decideWithForecast(6, idle, need(4), policy, false);
    expect(held).toMatchObject({ desired: 4 });
    expect(held.reason).toMatch(/^holding capacity/);
  });

  test('without a forecast, or cooling down, the reactive decision stands', () => {
    const hot = decideCapacity(2, 95, policy, 1000);
    expect(decideWithForecast(2, hot, undefined, policy, false)).toEqual(hot);
    const cooling = decideCapacity(2, 50, policy, 10);
    expect(decideWithForecast(2, cooling, need(6), policy, true)).toEqual(cooling);
  });

  test('property: never below the reactive floor, never above the maximum, never a scale-in the reactive rule did not ask for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 30 }),
        (current, cpu, forecastInstances) => {
          const reactive = decideCapacity(current, cpu, policy, 1000);
          const decided = decideWithForecast(current, reactive, need(forecastInstances), policy, false);
          expect(decided.desired).toBeGreaterThanOrEqual(reactive.desired);
          expect(decided.desired).toBeLessThanOrEqual(policy.maxSize);
          if (decided.desired < current) expect(reactive.desired).toBeLessThan(current);
        },
      ),
    );
  });
});

describe('refitting the live forecaster', () => {
  const settings = { ...DEFAULT_PREDICTIVE, refitHours: 24 };
  const hour = 3_600_000;

  test('a forecaster is refitted once its history is older than refitHours, or when never seeded', () => {
    const seeded = seedDemandForecast(settings, { start: 0, values: [10, 20, 30] }, 5 * hour);
    expect(seeded.seededAt).toBe(5 * hour);
    expect(refitDue(seeded, settings, 5 * hour + 23 * hour)).toBe(false);
    expect(refitDue(seeded, settings, 5 * hour + 24 * hour)).toBe(true);
    expect(refitDue(seeded, { ...settings, refitHours: 1 }, 6 * hour)).toBe(true);
    // Never seeded from history, or seeded by an agent from before refits: due at once.
    expect(refitDue(newDemandForecast(settings), settings, Date.UTC(2026, 10, 26))).toBe(true);
    expect(seedDemandForecast(settings, { start: 0, values: [10] }).seededAt).toBeUndefined();
  });
});

describe('refitting early when the forecast drifts', () => {
  const seededAt = DAY0 + 3 * perDay * 300_000;
  const seeded = () =>
    seedDemandForecast(
      settings,
      { start: DAY0, values: Array.from({ length: 3 * perDay }, (_, i) => demandAt(i) + ((i * 7) % 13)) },
      seededAt,
    );
  /** Feeds `steps` live steps of `demand(step)` after the seeded history, one observation per step. */
  const live = (demand: (step: number) => number, steps: number) => {
    let state = seeded();
    for (let i = 0; i <= steps; i++)
      state = observeDemand(state, seededAt + i * 300_000 + 1_000, demand(3 * perDay + i), settings);
    return state;
  };

  test('demand that keeps its daily shape is no drift; demand that turned erratic is, after enough steps', () => {
    expect(forecastDrift(live(demandAt, 120), settings)).toBeUndefined();
    // A new workload arrives in bursts: each step is 60 % to 140 % of the usual demand.
    const random = mulberry(8);
    const bursty = (step: number) => demandAt(step) * (0.6 + 0.8 * random());
    expect(forecastDrift(live(bursty, MIN_STEPS_FOR_EARLY_REFIT - 2), settings)).toBeUndefined();
    const drifted = live(bursty, 120);
    expect(drifted.mape).toBeGreaterThan(driftLevel(drifted, settings));
    expect(forecastDrift(drifted, settings)).toMatch(
      /^live one-step error \d+ % over \d+ steps is above \d+ %$/,
    );
  });

  test('the level is twice the error the smoothing was chosen with, at least 10 %, unless configured', () => {
    const state = seeded();
    expect(driftLevel({ ...state, fit: undefined }, settings)).toBeCloseTo(0.3);
    const fit = { smoothing: { alpha: 0.5, beta: 0, gamma: 0.3 }, defaultMape: 0.2 };
    expect(driftLevel({ ...state, fit: { ...fit, heldOutMape: 0.02 } }, settings)).toBeCloseTo(0.1);
    expect(driftLevel({ ...state, fit: { ...fit, heldOutMape: 0.12 } }, settings)).toBeCloseTo(0.24);
    expect(driftLevel(state, { ...settings, refitAboveMape: 0.5 })).toBe(0.5);
    const noisy = { ...state, measured: MIN_STEPS_FOR_EARLY_REFIT, mape: 0.4 };
    expect(forecastDrift(noisy, { ...settings, refitAboveMape: 0.5 })).toBeUndefined();
    expect(forecastDrift(noisy, { ...settings, refitAboveMape: 0.35 })).toBeDefined();
    // Never seeded from history: the scheduled refit handles it.
    expect(forecastDrift({ ...noisy, seededAt: undefined }, settings)).toBeUndefined();
  });

  test('a drifted forecaster with no history to refit on is kept and measured afresh', () => {
    const drifted = { ...seeded(), measured: 50, mape: 0.9 };
    const kept = keepDriftedForecast(drifted, 'live one-step error 90 %');
    expect(kept).toMatchObject({ measured: 0, forecaster: drifted.forecaster, seededAt });
    expect(kept.mape).toBeUndefined();
    expect(kept.refitReason).toMatch(/no history to refit on/);
    expect(forecastDrift(kept, settings)).toBeUndefined();
  });
});
