import {
  decodeFigures,
  encodeFigures,
  MEAN_FIGURES,
  SPREAD_FIGURES,
  type FigureCode,
} from '../../domain/anomaly/figure-codes';

const rounded = (x: number, code: FigureCode) => Number(x.toPrecision(code.digits));

describe('figure codes', () => {
  test('rounded figures read back as exactly the same numbers, a fixed width each', () => {
    let state = 11;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const means = Array.from({ length: 2000 }, () =>
      rounded((random() - 0.3) * 10 ** Math.floor(random() * 24 - 12), MEAN_FIGURES),
    );
    const spreads = Array.from({ length: 2000 }, () =>
      rounded(random() * 10 ** Math.floor(random() * 30 - 15), SPREAD_FIGURES),
    );
    const meanText = encodeFigures(means, MEAN_FIGURES);
    const spreadText = encodeFigures(spreads, SPREAD_FIGURES);
    expect(meanText).toHaveLength(3 * means.length);
    expect(spreadText).toHaveLength(2 * spreads.length);
    expect(decodeFigures(meanText ?? '', MEAN_FIGURES)).toEqual(means);
    expect(decodeFigures(spreadText ?? '', SPREAD_FIGURES)).toEqual(spreads);
  });

  test('a slot never seen and a zero keep their meaning; the edges of the range are exact', () => {
    const figures = [Number.NaN, 0, 1e-60, -9.99e60, 999, -100, 0.1, 45.3];
    expect(decodeFigures(encodeFigures(figures, MEAN_FIGURES) ?? '', MEAN_FIGURES)).toEqual(figures);
    expect(decodeFigures(encodeFigures([0, 1e-20, 9.9e24], SPREAD_FIGURES) ?? '', SPREAD_FIGURES)).toEqual([
      0, 1e-20, 9.9e24,
    ]);
  });

  test('a figure that cannot be written exactly leaves the caller its numbers', () => {
    expect(encodeFigures([45.31], MEAN_FIGURES)).toBeUndefined();
    expect(encodeFigures([1e61], MEAN_FIGURES)).toBeUndefined();
    expect(encodeFigures([1e25], SPREAD_FIGURES)).toBeUndefined();
    expect(encodeFigures([-0.5], SPREAD_FIGURES)).toBeUndefined();
    expect(encodeFigures([Number.POSITIVE_INFINITY], MEAN_FIGURES)).toBeUndefined();
  });

  test('text that is not figures is refused, naming what is wrong', () => {
    expect(() => decodeFigures('AB', MEAN_FIGURES)).toThrow('figures of 3 characters, got 2');
    expect(() => decodeFigures('A!', SPREAD_FIGURES)).toThrow('not a figure character: !');
  });
});
