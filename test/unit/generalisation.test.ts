import { DEFAULT_DETECTOR_PARAMS } from '../../domain/anomaly/detector';
import { leaveOneCorpusOut } from '../../domain/anomaly/generalisation';
import { generateLabelledSet, type TrainingSeries } from '../../domain/anomaly/labelled-series';
import { normalisedScore, STANDARD_PROFILE } from '../../domain/anomaly/nab-score';
import { scoreDetector, scoreFiles, tuneDetector } from '../../domain/anomaly/tuning';
import { seededRandom } from '../../domain/random';

describe('each corpus set aside in turn', () => {
  const generated = generateLabelledSet(seededRandom(3), 24);
  const faulty = generated.filter((s) => s.windows.length > 0);
  const calm = generated.filter((s) => s.windows.length === 0);
  const corpora = ['spiky', 'drifting', 'steady'];
  const series: TrainingSeries[] = [
    ...faulty.map((s, i) => ({ ...s, name: `${corpora[i % 3] ?? 'x'}/${s.name}.csv` })),
    ...calm.map((s) => ({ ...s, name: `noAnomaly/${s.name}.csv` })),
  ];
  const result = leaveOneCorpusOut(series);
  const withKnobs = (k: { zFloor: number; ratio: number }) => ({ ...DEFAULT_DETECTOR_PARAMS, ...k });

  test('every corpus with windows is set aside once; one without windows only ever trains', () => {
    expect(calm.length).toBeGreaterThan(0);
    expect(result?.corpora.map((c) => c.corpus)).toEqual(corpora);
    expect(result?.corpora.map((c) => c.files).reduce((a, b) => a + b, 0)).toBe(faulty.length);
  });

  test('the setting is tuned without the corpus it is judged on, and judged on that corpus alone', () => {
    for (const c of result?.corpora ?? []) {
      const files = series.filter((s) => s.name.startsWith(`${c.corpus}/`));
      const others = series.filter((s) => !s.name.startsWith(`${c.corpus}/`));
      const { params } = tuneDetector(others, STANDARD_PROFILE);
      expect(c.tuned).toEqual({ zFloor: params.zFloor, ratio: params.ratio });
      expect(c.heldOut).toBeCloseTo(scoreDetector(params, files), 9);
      expect(c.shipped).toBeCloseTo(scoreDetector(DEFAULT_DETECTOR_PARAMS, files), 9);
      // The grid holds both the setting tuned elsewhere and the shipped one: its best on the corpus
      // beats or ties either.
      expect(c.ownBest.score).toBeGreaterThanOrEqual(c.heldOut - 1e-9);
      expect(c.ownBest.score).toBeGreaterThanOrEqual(c.shipped - 1e-9);
    }
  });

  test('the pooled figures score all set-aside files as one folder, each with its own setting', () => {
    const pooled = (
      pick: (c: NonNullable<typeof result>['corpora'][number]) => { zFloor: number; ratio: number },
    ) =>
      normalisedScore(
        (result?.corpora ?? []).flatMap((c) =>
          scoreFiles(
            withKnobs(pick(c)),
            series.filter((s) => s.name.startsWith(`${c.corpus}/`)),
          ),
        ),
      );
    expect(result?.pooled).toBeCloseTo(
      pooled((c) => c.tuned),
      9,
    );
    expect(result?.ownBestPooled).toBeCloseTo(
      pooled((c) => c.ownBest),
      9,
    );
    expect(result?.shippedPooled).toBeCloseTo(
      pooled(() => DEFAULT_DETECTOR_PARAMS),
      9,
    );
    expect(result?.ownBestPooled).toBeGreaterThanOrEqual((result?.pooled ?? 0) - 1e-9);
  });

  test('with fewer than two corpora that have windows there is nothing to set aside', () => {
    expect(
      leaveOneCorpusOut(
        series.filter((s) => !s.name.startsWith('spiky/') && !s.name.startsWith('drifting/')),
      ),
    ).toBeUndefined();
    expect(leaveOneCorpusOut([])).toBeUndefined();
  });
});
