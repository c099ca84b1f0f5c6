import { StreamingDetector, type DetectorParams } from './detector';
import { faultWindows, heldOutFleetSeries, type AnsweredDetection } from './fleet-labels';
import type { TrainingSeries } from './labelled-series';
import { scoreDetector, tuneDetector } from './tuning';
import { STANDARD_PROFILE } from './nab-score';

/**
 * `MEDIC_DETECTOR_DATASET=fleet` rehearsed on labelled traces (decision 0053): the series are fed as
 * the detection loop feeds them (times, no sampling), an operator answers every alarm of the
 * `answering` setting ("fault" inside a labelled window, "expected" outside), the detector is retrained
 * on those answers as the fleet's would be, and the answering setting and the retrained one are
 * scored on the held-out series twice: by the answers (what the registry sees) and by the true windows.
 */

export interface AnsweredRetraining {
  answering: Pick<DetectorParams, 'zFloor' | 'ratio'>;
  tuned: Pick<DetectorParams, 'zFloor' | 'ratio'>;
  /** Series with at least one answer, and how many of them are held out. */
  series: number;
  heldOut: number;
  /** Alarms the operator answered, each way. */
  answered: { fault: number; expected: number };
  /** Held-out NAB score by the answers' windows: what decides a promotion. */
  byAnswers: { answering: number; tuned: number };
  /** Held-out NAB score by the true windows: whether the promotion helps. */
  byTruth: { answering: number; tuned: number };
}

type Labelled = TrainingSeries & { truth: [number, number][]; answers: AnsweredDetection[] };

function answeredBy(series: TrainingSeries, params: DetectorParams): Labelled | undefined {
  const detector = new StreamingDetector(params);
  const answers: AnsweredDetection[] = [];
  series.values.forEach((value, i) => {
    const at = series.timestamps[i] ?? 0;
    if (!detector.updateAt(value, at).isAnomaly) return;
    const fault = series.windows.some(([start, end]) => at >= start && at <= end);
    answers.push({
      instanceId: series.name,
      metric: 'cpu',
      openedAt: new Date(at).toISOString(),
      verdict: fault ? 'fault' : 'expected',
    });
  });
  if (answers.length === 0) return undefined;
  // No sampling: fed as the detection loop feeds its metrics.
  const { name, values, timestamps } = series;
  return { name, values, timestamps, windows: faultWindows(answers), truth: series.windows, answers };
}

export function rehearseAnsweredRetraining(
  labelled: readonly TrainingSeries[],
  answering: DetectorParams,
): AnsweredRetraining | { reason: string } {
  const answered = labelled.flatMap((s) => answeredBy(s, answering) ?? []);
  const marked = heldOutFleetSeries(answered);
  if (!Array.isArray(marked)) return marked;
  const training = marked.filter((s) => !s.heldOut);
  const heldOut = answered.filter((_, i) => marked[i]?.heldOut);
  const tuned = tuneDetector(training, STANDARD_PROFILE).params;
  const truth = heldOut.map((s) => ({ ...s, windows: s.truth }));
  const count = (verdict: AnsweredDetection['verdict']) =>
    answered.reduce((n, s) => n + s.answers.filter((a) => a.verdict === verdict).length, 0);
  return {
    answering: { zFloor: answering.zFloor, ratio: answering.ratio },
    tuned: { zFloor: tuned.zFloor, ratio: tuned.ratio },
    series: marked.length,
    heldOut: heldOut.length,
    answered: { fault: count('fault'), expected: count('expected') },
    byAnswers: { answering: scoreDetector(answering, heldOut), tuned: scoreDetector(tuned, heldOut) },
    byTruth: { answering: scoreDetector(answering, truth), tuned: scoreDetector(tuned, truth) },
  };
}
