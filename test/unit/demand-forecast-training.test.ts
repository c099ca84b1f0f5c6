import { generateDemandTraces } from '../../domain/scaling/demand-traces';
import { DEFAULT_SMOOTHING } from '../../domain/scaling/forecaster';
import { fitSmoothing, seedDemandForecast } from '../../domain/scaling/live-forecast';
import {
  forecastAccuracy,
  smoothingFrom,
  trainSmoothing,
  TRAINING_GRID,
} from '../../domain/scaling/smoothing-training';
import { TRAINERS } from '../../domain/models/trainers';
import { seededRandom } from '../../domain/random';
import { demandTrainingData } from '../../activities/learning';
import type { FleetDemand } from '../../activities/fleet-demand';

const PER_DAY = 288;
const settings = { stepSeconds: 300, bootSeconds: 300, errorMargin: 1 };

/** A daily shape on a level that jumps every three hours: a forecaster must follow the level fast. */
function jumpyTrace(seed: number, days = 7) {
  const random = seededRandom(seed);
  let level = 200;
  const values = Array.from({ length: days * PER_DAY }, (_, i) => {
    if (i % 36 === 0) level = Math.max(40, level * (0.7 + 0.6 * random()));
    return level * (1 + 0.4 * Math.sin((2 * Math.PI * i) / PER_DAY)) * (1 + 0.03 * (random() - 0.5));
  });
  return { stepSeconds: 300, values };
}

/** The same shape every day with noise around a steady level: slow smoothing averages the noise. */
function steadyTrace(seed: number, days = 7) {
  const random = seededRandom(seed);
  const values = Array.from(
    { length: days * PER_DAY },
    (_, i) => 200 * (1 + 0.4 * Math.sin((2 * Math.PI * i) / PER_DAY)) * (1 + 0.3 * (random() - 0.5)),
  );
  return { stepSeconds: 300, values };
}

describe('training the demand forecaster', () => {
  test('demand whose level keeps moving trains a faster level than shipped, and it forecasts the unseen third better', () => {
    const traces = [1, 2, 3].map((s) => jumpyTrace(s));
    const trained = trainSmoothing(traces, () => undefined, 'earlier');
    expect(trained.alpha).toBeGreaterThan(DEFAULT_SMOOTHING.alpha);
    expect(forecastAccuracy(trained, traces, 'later')).toBeGreaterThan(
      forecastAccuracy(DEFAULT_SMOOTHING, traces, 'later') + 0.01,
    );
  });

  test('steady noisy demand trains a slower level than the jumpy kind', () => {
    const steady = trainSmoothing(
      [1, 2].map((s) => steadyTrace(s)),
      () => undefined,
      'earlier',
    );
    const jumpy = trainSmoothing(
      [1, 2].map((s) => jumpyTrace(s)),
      () => undefined,
      'earlier',
    );
    expect(steady.alpha).toBeLessThan(jumpy.alpha);
  });

  test('the earlier and later parts judge different steps; a hopeless forecast costs at most the demand', () => {
    const trace = jumpyTrace(4);
    const whole = forecastAccuracy(DEFAULT_SMOOTHING, [trace]);
    const earlier = forecastAccuracy(DEFAULT_SMOOTHING, [trace], 'earlier');
    const later = forecastAccuracy(DEFAULT_SMOOTHING, [trace], 'later');
    expect(earlier).not.toBeCloseTo(later, 6);
    expect(Math.min(earlier, later)).toBeLessThanOrEqual(whole);
    expect(Math.max(earlier, later)).toBeGreaterThanOrEqual(whole);
    // Demand near zero with rare bursts: uncapped relative errors would make accuracy negative.
    const quiet = {
      stepSeconds: 300,
      values: Array.from({ length: 5 * PER_DAY }, (_, i) => (i % 97 === 0 ? 500 : 0.1)),
    };
    expect(forecastAccuracy(DEFAULT_SMOOTHING, [quiet])).toBeGreaterThanOrEqual(0);
  });

  test('progress is reported for every setting tried, ending at 1', () => {
    const seen: number[] = [];
    trainSmoothing([steadyTrace(5, 3)], (f) => seen.push(f));
    expect(seen).toHaveLength(TRAINING_GRID.length);
    expect(seen[seen.length - 1]).toBe(1);
  });

  test('generated demand is the same for a seed, never negative, a day of steps per day', () => {
    const a = generateDemandTraces(seededRandom(8), 2, 3);
    expect(a).toEqual(generateDemandTraces(seededRandom(8), 2, 3));
    expect(a).not.toEqual(generateDemandTraces(seededRandom(9), 2, 3));
    expect(a.map((t) => t.values.length)).toEqual([3 * PER_DAY, 3 * PER_DAY]);
    expect(a.flatMap((t) => t.values).every((v) => v >= 0)).toBe(true);
  });

  test('the registry trainer uses real traces when given (earlier to train, later to judge), else generated weeks', () => {
    const trainer = TRAINERS['demand-forecast'];
    const traces = [1, 2].map((s) => jumpyTrace(s));
    const fromReal = trainer.train(1, 400, () => undefined, { demandTraces: traces });
    expect(fromReal).toEqual(trainSmoothing(traces, () => undefined, 'earlier'));
    expect(trainer.evaluate(fromReal, 99, { demandTraces: traces })).toBeCloseTo(
      forecastAccuracy(fromReal, traces, 'later'),
      12,
    );
    expect(trainer.trainingSize?.(400, { demandTraces: traces })).toBe(2);
    expect(trainer.trainingSize?.(30, {})).toBe(35);
    // Generated: the same seed trains the same setting, judged on the held-out seed's draw.
    expect(trainer.train(3, 14, () => undefined, {})).toEqual(trainer.train(3, 14, () => undefined, {}));
  });

  test('stored parameters are read back only when they are a smoothing', () => {
    expect(smoothingFrom({ alpha: 0.5, beta: 0, gamma: 0.1, extra: 1 })).toEqual({
      alpha: 0.5,
      beta: 0,
      gamma: 0.1,
    });
    expect(smoothingFrom({ alpha: 2, beta: 0, gamma: 0.1 })).toBeUndefined();
    expect(smoothingFrom({ zFloor: 4 })).toBeUndefined();
    expect(smoothingFrom(null)).toBeUndefined();
  });
});

describe("a group's own fit against the registry's baseline", () => {
  const baseline = { smoothing: { alpha: 0.02, beta: 0, gamma: 0.02 }, version: 'demand-forecast-9' };

  test('the baseline is what the fit is compared with and what stays when nothing beats it', () => {
    const jumpy = jumpyTrace(6, 4).values;
    const fit = fitSmoothing(jumpy, settings, baseline);
    expect(fit?.baselineVersion).toBe('demand-forecast-9');
    expect(fit?.heldOutMape).toBeLessThan(fit?.defaultMape ?? 0);
    expect(fit?.defaultMape).not.toBeCloseTo(fitSmoothing(jumpy, settings)?.defaultMape ?? 0, 6);
    // A repeating day: no setting is better, so the baseline forecasts.
    const repeating = Array.from({ length: 4 * PER_DAY }, (_, i) => (i % PER_DAY < 12 ? 90 : 30));
    const kept = seedDemandForecast(settings, { start: 0, values: repeating }, undefined, baseline);
    expect(kept.fit?.smoothing).toEqual(baseline.smoothing);
    expect(kept.forecaster.params).toMatchObject(baseline.smoothing);
  });
});

describe('where the demand forecaster learns from', () => {
  const fleet =
    (demandTraces: FleetDemand['demandTraces'], tooShort: FleetDemand['tooShort'] = []) =>
    async (): Promise<FleetDemand> => ({ dataset: 'fleet (…)', demandTraces, tooShort });

  test('unset: generated demand; fleet: the groups with enough history; too little says which and how much', async () => {
    expect(await demandTrainingData(undefined, fleet([]))).toEqual({ dataset: 'synthetic' });
    const trace = { name: 'web-asg', ...jumpyTrace(1, 5) };
    expect(await demandTrainingData('fleet', fleet([trace]))).toEqual({
      dataset: 'fleet (…)',
      demandTraces: [trace],
    });
    await expect(demandTrainingData('fleet', fleet([], [{ group: 'web-asg', days: 2.5 }]))).rejects.toThrow(
      "MEDIC_DEMAND_DATASET=fleet: no scaling agent's group has 4 days of demand in CloudWatch (web-asg 2.5 days)",
    );
    await expect(demandTrainingData('fleet', fleet([]))).rejects.toThrow(/no scaling agent is running/);
    await expect(demandTrainingData('/no/such/folder', fleet([]))).rejects.toThrow(
      /^MEDIC_DEMAND_DATASET \/no\/such\/folder is not a demand trace or a folder of them/,
    );
  });
});
