import { perSecond } from '../../activities/metrics';

/** Datapoints `stepSeconds` apart, newest first as CloudWatch answers. */
const sums = (stepSeconds: number, values: number[]) =>
  values
    .map((value, i) => ({ at: new Date(Date.UTC(2026, 0, 1) + i * stepSeconds * 1000).toISOString(), value }))
    .reverse();

describe('inbound traffic as a rate', () => {
  test('detailed monitoring read at its own period: each sum over the period', () => {
    expect(perSecond(sums(60, [60_000_000, 120_000_000]), 60).map((p) => p.value)).toEqual([
      2_000_000, 1_000_000,
    ]);
  });

  test('basic monitoring read at one minute: each sum covers five, and a missing datapoint changes nothing', () => {
    const points = sums(300, [300_000_000, 600_000_000, 300_000_000, 300_000_000, 300_000_000, 300_000_000]);
    expect(perSecond(points, 60).map((p) => p.value)).toEqual([
      1_000_000, 1_000_000, 1_000_000, 1_000_000, 2_000_000, 1_000_000,
    ]);
    const oneMissing = points.filter((_, i) => i !== 2);
    expect(perSecond(oneMissing, 60).map((p) => p.value)).toEqual([
      1_000_000, 1_000_000, 1_000_000, 2_000_000, 1_000_000,
    ]);
  });

  test('one datapoint, or none, is read at the period', () => {
    expect(perSecond(sums(300, [600_000]), 60)).toEqual([{ at: '2026-01-01T00:00:00.000Z', value: 10_000 }]);
    expect(perSecond(undefined, 60)).toEqual([]);
  });
});
