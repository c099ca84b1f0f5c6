import { parsePointsCsv } from '../../domain/anomaly/csv';
import { StreamingDetector } from '../../domain/anomaly/detector';

/** A seeded generator, so the noise is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (1664525 * state + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function noisy(n: number, seed = 7): number[] {
  const random = lcg(seed);
  return Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / 20) + (random() - 0.5) * 4);
}

const run = (values: number[]) => {
  const detector = new StreamingDetector();
  return values.map((v) => detector.update(v));
};

describe('StreamingDetector', () => {
  test('a spike far outside the usual range is flagged at the spike', () => {
    const values = noisy(2000);
    values[1500] = 400;
    const results = run(values);
    expect(results[1500]?.isAnomaly).toBe(true);
    expect(results[1500]?.score).toBeGreaterThanOrEqual(0.5);
  });

  test('a level shift is flagged within a few points', () => {
    const values = noisy(2000).map((v, i) => (i >= 1200 ? v + 80 : v));
    const flagged = run(values).findIndex((r, i) => i >= 1200 && r.isAnomaly);
    expect(flagged).toBeGreaterThanOrEqual(1200);
    expect(flagged).toBeLessThan(1205);
  });

  test('a steady series raises few or no alarms', () => {
    const alarms = run(noisy(5000, 11)).filter((r) => r.isAnomaly).length;
    expect(alarms).toBeLessThanOrEqual(3);
  });

  test('scores are in [0, 1] and nothing is flagged during warm-up', () => {
    const results = run([1, 1000, -1000, NaN, 5, ...noisy(300)]);
    for (const r of results) expect(r.score >= 0 && r.score <= 1).toBe(true);
    expect(results.slice(0, 150).some((r) => r.isAnomaly)).toBe(false);
  });

  test('after an alarm it stays quiet for the refractory period', () => {
    const values = noisy(2000);
    values[1000] = 400;
    values[1050] = -400;
    const results = run(values);
    expect(results[1000]?.isAnomaly).toBe(true);
    expect(results[1050]?.isAnomaly).toBe(false);
  });

  test('its state does not grow with the stream', () => {
    const detector = new StreamingDetector();
    const size = () => JSON.stringify(detector).length;
    noisy(1000).forEach((v) => detector.update(v));
    const before = size();
    noisy(50_000).forEach((v) => detector.update(v));
    expect(size()).toBeLessThanOrEqual(before + 16);
  });
});

describe('parsePointsCsv', () => {
  test('reads timestamp,value with or without a header', () => {
    expect(parsePointsCsv('timestamp,value\n2014-01-01 00:00:00,1.5\n')).toEqual([
      { timestamp: '2014-01-01 00:00:00', value: 1.5 },
    ]);
    expect(parsePointsCsv('2014-01-01 00:00:00,2')).toHaveLength(1);
  });

  test('a bad row is an error naming its line', () => {
    expect(() => parsePointsCsv('timestamp,value\n2014-01-01,1\n2014-01-02,abc\n', 'cpu.csv')).toThrow(
      'cpu.csv:3',
    );
  });
});
