import {
  bestThreshold,
  normalisedScore,
  parseNabTimestamp,
  probationLength,
  scaledSigmoid,
  scoreSeries,
} from '../../domain/anomaly/nab-score';

const MINUTE = 60_000;
const rows = 1000;
const timestamps = Array.from({ length: rows }, (_, i) => i * MINUTE);
const window: [number, number] = [600 * MINUTE, 699 * MINUTE];
const detectAt = (...indices: number[]) => timestamps.map((_, i) => indices.includes(i));

describe('NAB scoring', () => {
  test('the scaled sigmoid rewards early detection and punishes late false positives', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866, 3);
    expect(scaledSigmoid(0)).toBeCloseTo(0, 6);
    expect(scaledSigmoid(0.5)).toBeLessThan(0);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  test('probation is 15 % of the file, at most 750 rows', () => {
    expect(probationLength(1000)).toBe(150);
    expect(probationLength(20000)).toBe(750);
  });

  test('detecting at the start of every window scores 100; detecting nothing scores 0', () => {
    const perfect = scoreSeries({ name: 'p', timestamps, detections: detectAt(600), windows: [window] });
    expect(perfect.raw).toBeCloseTo(1, 6);
    expect(normalisedScore([perfect])).toBeCloseTo(100, 6);
    const none = scoreSeries({ name: 'n', timestamps, detections: detectAt(), windows: [window] });
    expect(none).toMatchObject({ raw: -1, falseNegatives: 1 });
    expect(normalisedScore([none])).toBeCloseTo(0, 6);
  });

  test('only the first detection in a window counts, and later is worth less', () => {
    const early = scoreSeries({
      name: 'e',
      timestamps,
      detections: detectAt(610, 620, 630),
      windows: [window],
    });
    const late = scoreSeries({ name: 'l', timestamps, detections: detectAt(690), windows: [window] });
    expect(early.truePositives).toBe(1);
    expect(early.raw).toBeGreaterThan(late.raw);
    expect(late.raw).toBeGreaterThan(0);
  });

  test('a false positive before any window costs the FP weight; one in probation costs nothing', () => {
    const fp = scoreSeries({ name: 'f', timestamps, detections: detectAt(300, 600), windows: [window] });
    expect(fp.falsePositives).toBe(1);
    expect(fp.raw).toBeCloseTo(1 - 0.11, 6);
    const probation = scoreSeries({
      name: 'q',
      timestamps,
      detections: detectAt(100, 600),
      windows: [window],
    });
    expect(probation.raw).toBeCloseTo(1, 6);
  });

  test('a false positive right after a window costs less than one long after it', () => {
    const soon = scoreSeries({ name: 's', timestamps, detections: detectAt(600, 705), windows: [window] });
    const later = scoreSeries({ name: 'l', timestamps, detections: detectAt(600, 990), windows: [window] });
    expect(soon.raw).toBeGreaterThan(later.raw);
  });

  test('NAB timestamps are read as UTC with or without fractions', () => {
    expect(parseNabTimestamp('2014-10-30 15:30:00.000000')).toBe(Date.UTC(2014, 9, 30, 15, 30));
    expect(parseNabTimestamp('2014-07-01 00:00:00')).toBe(Date.UTC(2014, 6, 1));
    expect(() => parseNabTimestamp('yesterday')).toThrow(/not a timestamp/);
  });

  describe("bestThreshold (NAB's optimiser over a score column)", () => {
    const scoreAt = (entries: [number, number][]) => {
      const scores = new Array<number>(rows).fill(0);
      for (const [i, score] of entries) scores[i] = score;
      return scores;
    };
    const scoredAt = (threshold: number, scores: number[][], windows: [number, number][][]) =>
      normalisedScore(
        scores.map((s, k) =>
          scoreSeries({
            name: `s${k}`,
            timestamps,
            detections: s.map((x) => x >= threshold),
            windows: windows[k] ?? [],
          }),
        ),
      );

    test('keeps the alarms worth more than their false positives, and says at which threshold', () => {
      // A strong early alarm in the window, a weaker late one, and false alarms of every strength.
      const scores = scoreAt([
        [300, 0.55],
        [400, 0.65],
        [610, 0.7],
        [690, 0.9],
        [800, 0.6],
        [900, 0.95],
      ]);
      const best = bestThreshold([{ name: 'a', timestamps, scores, windows: [window] }]);
      expect(best.threshold).toBe(0.7);
      expect(best.score).toBeCloseTo(scoredAt(0.7, [scores], [[window]]), 9);
    });

    test('matches scoring every threshold one by one, over several series', () => {
      let seed = 5;
      const random = () => (seed = (1103515245 * seed + 12345) % 2 ** 31) / 2 ** 31;
      const series = [0, 1, 2].map(() =>
        scoreAt(Array.from({ length: 40 }, () => [Math.floor(random() * rows), random()])),
      );
      const windows: [number, number][][] = [[window], [window, [200 * MINUTE, 260 * MINUTE]], []];
      const best = bestThreshold(
        series.map((scores, k) => ({ name: `s${k}`, timestamps, scores, windows: windows[k] ?? [] })),
      );
      const brute = Math.max(
        0,
        ...series
          .flat()
          .filter((x) => x > 0)
          .map((t) => scoredAt(t, series, windows)),
      );
      expect(best.score).toBeCloseTo(brute, 9);
      expect(scoredAt(best.threshold, series, windows)).toBeCloseTo(best.score, 9);
    });
  });
});
