import { withGaps } from '../../domain/anomaly/gaps';
import type { TrainingSeries } from '../../domain/anomaly/labelled-series';
import { seededRandom } from '../../domain/random';

describe('withGaps: a labelled series as an export with gaps would have it', () => {
  const fiveMinutes = 300_000;
  const series: TrainingSeries = {
    name: 'corpus/cpu.csv',
    values: Array.from({ length: 4032 }, (_, i) => i),
    timestamps: Array.from({ length: 4032 }, (_, i) => i * fiveMinutes),
    windows: [[1000 * fiveMinutes, 1100 * fiveMinutes]],
    pointsPerDay: 288,
  };
  const thinned = withGaps(series, 0.1, seededRandom(1));

  test('about the share asked for is gone, in stretches of 1 to 8 hours, the rest unchanged and in order', () => {
    const gone = series.values.length - thinned.values.length;
    expect(gone).toBeGreaterThanOrEqual(0.1 * 4032);
    expect(gone).toBeLessThan(0.1 * 4032 + 8 * 12);
    // Each value is its own index, so a kept row is unchanged exactly when its value and time agree.
    thinned.values.forEach((v, i) => expect(thinned.timestamps[i]).toBe(v * fiveMinutes));
    const steps = thinned.values.slice(1).map((v, i) => v - (thinned.values[i] ?? 0));
    expect(steps.every((step) => step >= 1)).toBe(true);
    const stretches = steps.filter((step) => step > 1).map((step) => step - 1);
    expect(stretches.length).toBeGreaterThan(0);
    // Stretches may touch or overlap, so a gap is at least one hour and at most a few stretches long.
    expect(Math.min(...stretches)).toBeGreaterThanOrEqual(12);
  });

  test('the labelled windows and the sampling stay; the same seed draws the same gaps', () => {
    expect(thinned.windows).toEqual(series.windows);
    expect(thinned.pointsPerDay).toBe(288);
    expect(withGaps(series, 0.1, seededRandom(1))).toEqual(thinned);
    expect(withGaps(series, 0.1, seededRandom(2)).values).not.toEqual(thinned.values);
    expect(withGaps(series, 0, seededRandom(1))).toEqual(series);
  });
});
