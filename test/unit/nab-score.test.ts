import {
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
});
