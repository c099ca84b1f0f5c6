import { rehearseAnsweredRetraining } from '../../domain/anomaly/answered-retraining';
import { DEFAULT_DETECTOR_PARAMS, StreamingDetector } from '../../domain/anomaly/detector';
import { generateLabelledSet } from '../../domain/anomaly/labelled-series';
import { seededRandom } from '../../domain/random';

describe('retraining on answered alarms, rehearsed on labelled series', () => {
  const labelled = generateLabelledSet(seededRandom(21), 36);
  const sensitive = { ...DEFAULT_DETECTOR_PARAMS, zFloor: 3, ratio: 0.5 };

  test('every alarm of the answering setting is answered, fault inside a window and expected outside', () => {
    const rehearsed = rehearseAnsweredRetraining(labelled, sensitive);
    if ('reason' in rehearsed) throw new Error(rehearsed.reason);
    let fault = 0;
    let expected = 0;
    let answeredSeries = 0;
    for (const s of labelled) {
      const detector = new StreamingDetector(sensitive);
      let alarms = 0;
      s.values.forEach((v, i) => {
        const at = s.timestamps[i] ?? 0;
        if (!detector.updateAt(v, at).isAnomaly) return;
        alarms++;
        if (s.windows.some(([a, b]) => at >= a && at <= b)) fault++;
        else expected++;
      });
      if (alarms > 0) answeredSeries++;
    }
    expect(rehearsed.answered).toEqual({ fault, expected });
    expect(rehearsed.series).toBe(answeredSeries);
    expect(rehearsed.heldOut).toBe(Math.floor(answeredSeries / 3));
    expect(rehearsed.answering).toEqual({ zFloor: 3, ratio: 0.5 });
    for (const score of [...Object.values(rehearsed.byAnswers), ...Object.values(rehearsed.byTruth)])
      expect(Number.isFinite(score)).toBe(true);
  });

  test('no alarm answered as a fault is a reason, not a retraining', () => {
    const calm = labelled.map((s) => ({ ...s, windows: [] as [number, number][] }));
    expect(rehearseAnsweredRetraining(calm, sensitive)).toEqual({
      reason: expect.stringMatching(/0 confirmed faults/) as string,
    });
  });
});
