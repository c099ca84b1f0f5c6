import { describeTraining } from '../../domain/models/registry';
import { TRAINERS } from '../../domain/models/trainers';
import { isHeldOutFile, type TrainingSeries } from '../../domain/anomaly/labelled-series';

const DAY = 86_400_000;
const series = (name: string, startMs: number, days: number): TrainingSeries => ({
  name,
  values: Array.from({ length: days * 24 }, () => 1),
  timestamps: Array.from({ length: days * 24 }, (_, i) => startMs + i * 3_600_000),
  windows: [],
});

describe('the training data range a version records', () => {
  test("the detector's is the span of the files it was tuned on, not of the held-out ones", () => {
    const start = Date.UTC(2026, 0, 1);
    const names = Array.from({ length: 40 }, (_, i) => `corpus/file-${i}.csv`);
    const heldOut = names.find((n) => isHeldOutFile(n)) ?? '';
    const tunedOn = names.filter((n) => !isHeldOutFile(n)).slice(0, 4);
    // The held-out file is the latest: were it counted, the span would end 50 days later.
    const files = [
      ...tunedOn.map((name, i) => series(name, start + i * 10 * DAY, 5)),
      series(heldOut, start + 80 * DAY, 5),
    ];
    expect(TRAINERS.detector.dataRange?.({ labelledSeries: files })).toEqual({
      fromMs: start,
      toMs: start + 30 * DAY + 5 * DAY - 3_600_000,
    });
    expect(TRAINERS.detector.dataRange?.({})).toBeUndefined();
  });

  test("the demand forecaster's ends where each trace's fitted two thirds end; generated demand has none", () => {
    const start = Date.UTC(2026, 10, 1);
    const span = TRAINERS['demand-forecast'].dataRange?.({
      demandTraces: [
        { stepSeconds: 300, values: new Array(7 * 288).fill(1), startMs: start },
        { stepSeconds: 600, values: new Array(3 * 144).fill(1), startMs: start - DAY },
      ],
    });
    expect(span).toEqual({ fromMs: start - DAY, toMs: start + 1343 * 300_000 });
    expect(
      TRAINERS['demand-forecast'].dataRange?.({ demandTraces: [{ stepSeconds: 300, values: [1, 2, 3] }] }),
    ).toBeUndefined();
    expect('dataRange' in TRAINERS.rootcause).toBe(false);
  });

  test('one line says what a version learnt from', () => {
    expect(
      describeTraining({
        seed: 1,
        examples: 30,
        heldOutSeed: 2,
        dataset: '/data/nab',
        dataRange: { from: '2014-02-14T00:00:00.000Z', to: '2014-09-17T12:00:00.000Z' },
      }),
    ).toBe('trained on 30 of /data/nab (2014-02-14 → 2014-09-17)');
    expect(describeTraining({ seed: 12345, examples: 400, heldOutSeed: 2, realAttempts: 6 })).toBe(
      'trained on 400 simulated (seed 12345) + 6 real attempts',
    );
    expect(describeTraining({ seed: 7, examples: 300, heldOutSeed: 2, dataset: 'synthetic' })).toBe(
      'trained on 300 simulated (seed 7)',
    );
  });
});
