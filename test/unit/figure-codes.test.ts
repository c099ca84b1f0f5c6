import {
  decodeCounts,
  decodeFigures,
  encodeCounts,
  encodeFigures,
  MEAN_FIGURES,
  SPREAD_FIGURES,
  type FigureCode,
} from '../../domain/anomaly/figure-codes';

const rounded = (x: number, code: FigureCode) => Number(x.toPrecision(code.digits));

describe('figure codes', () => {
  let state = 11;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;

  test('rounded figures read back as exactly the same numbers, however far apart', () => {
    const means = Array.from({ length: 2000 }, () =>
      rounded((random() - 0.3) * 10 ** Math.floor(random() * 100 - 50), MEAN_FIGURES),
    );
    const spreads = Array.from({ length: 2000 }, () =>
      rounded(random() * 10 ** Math.floor(random() * 100 - 50), SPREAD_FIGURES),
    );
    expect(decodeFigures(encodeFigures(means, MEAN_FIGURES) ?? '', MEAN_FIGURES)).toEqual(means);
    expect(decodeFigures(encodeFigures(spreads, SPREAD_FIGURES) ?? '', SPREAD_FIGURES)).toEqual(spreads);
  });

  test('a day of slot means that move a little from slot to slot takes little more than a character each', () => {
    const day = Array.from({ length: 96 }, (_, slot) =>
      rounded(20 + (slot >= 36 && slot < 68 ? 50 : 0) + 3 * Math.sin(slot / 10) + random(), MEAN_FIGURES),
    );
    const text = encodeFigures(day, MEAN_FIGURES) ?? '';
    expect(text.length).toBeLessThan(1.5 * day.length);
    expect(JSON.stringify(text).length).toBeLessThan(JSON.stringify(day).length / 2);
  });

  test('a slot never seen and a zero keep their meaning; the edges of the range are exact', () => {
    const figures = [Number.NaN, 0, 1e-60, -9.99e60, 999, -100, 0.1, 45.3, Number.NaN];
    expect(decodeFigures(encodeFigures(figures, MEAN_FIGURES) ?? '', MEAN_FIGURES)).toEqual(figures);
    expect(decodeFigures(encodeFigures([], MEAN_FIGURES) ?? '', MEAN_FIGURES)).toEqual([]);
  });

  test('a figure that cannot be written exactly leaves the caller its numbers', () => {
    expect(encodeFigures([45.31], MEAN_FIGURES)).toBeUndefined();
    expect(encodeFigures([0.123], SPREAD_FIGURES)).toBeUndefined();
    expect(encodeFigures([1e61], MEAN_FIGURES)).toBeUndefined();
    expect(encodeFigures([Number.POSITIVE_INFINITY], MEAN_FIGURES)).toBeUndefined();
  });

  test('whole counts read back, small ones a character each; others are refused', () => {
    const counts = [0, 1, 31, 32, 1023, 1024, 10_001, 7338, 0, 0, 2 ** 40];
    const text = encodeCounts(counts) ?? '';
    expect(decodeCounts(text)).toEqual(counts);
    expect(encodeCounts(new Array<number>(64).fill(3))).toHaveLength(64);
    expect(encodeCounts([1.5])).toBeUndefined();
    expect(encodeCounts([-1])).toBeUndefined();
  });

  test('text that is not figures is refused, naming what is wrong', () => {
    expect(() => decodeFigures('A!', SPREAD_FIGURES)).toThrow('not a figure character: !');
    expect(() => decodeCounts('Ag')).toThrow('figures end in the middle of one');
  });
});
