import { silentProgress, type Progress } from './progress';
import { DEFAULT_DETECTOR_PARAMS, StreamingDetector, type DetectorParams } from '../domain/anomaly/detector';
import { readLabelledFolder } from '../domain/anomaly/labelled-folder';
import type { TrainingSeries } from '../domain/anomaly/labelled-series';
import {
  bestThreshold,
  normalisedScore,
  scoreSeries,
  type ScoredSeries,
  type SeriesScore,
} from '../domain/anomaly/nab-score';
import { detectorTrainer } from '../domain/models/trainers';
import { withGaps } from '../domain/anomaly/gaps';
import { scoreDetector } from '../domain/anomaly/tuning';
import { seededRandom } from '../domain/random';
import { rehearseAnsweredRetraining, type AnsweredRetraining } from '../domain/anomaly/answered-retraining';
import { leaveOneCorpusOut, type CorpusGeneralisation } from '../domain/anomaly/generalisation';

export interface DetectorEvaluation {
  corpora: {
    corpus: string;
    files: number;
    windows: number;
    score: number;
    tp: number;
    fp: number;
    fn: number;
  }[];
  overall: number;
  /**
   * What NAB's own tools make of `medic detect`'s score column: its optimiser's best threshold on the
   * scores and the overall score there (the decisions above use the shipped threshold).
   */
  scoreColumn: { threshold: number; overall: number };
  points: number;
  pointsPerSecond: number;
  /**
   * The overall score when each file has lost `share` of its rows in stretches of 1 to 8 hours, as
   * exports with gaps have: one figure per seeded draw, and their mean.
   */
  gaps: { share: number; draws: number[]; mean: number };
  /**
   * The overall score when each file is fed as the detection loop feeds its metrics: with times and
   * no sampling, so the daily profile (rest days, the hour's tolerance) judges instead of the
   * ring-buffer seasons.
   */
  liveLoop: number;
  /**
   * What `medic model retrain --model detector` does with this folder: tuned on two thirds of the
   * files, judged against the shipped setting on the fixed held-out third (when both are non-empty).
   */
  retraining?: {
    trainingFiles: number;
    heldOutFiles: number;
    shipped: number;
    tuned: number;
    zFloor: number;
    ratio: number;
  };
  /**
   * `MEDIC_DETECTOR_DATASET=fleet` rehearsed on this folder: a too-sensitive setting's alarms answered
   * by an operator who knows the windows, the detector retrained on the answers (decision 0053).
   */
  answeredRetraining?: AnsweredRetraining;
  /**
   * Each corpus with windows set aside in turn, the knobs tuned on the rest and judged on it: the
   * nearest stand-in this folder has for the real traces outside it (with two or more such corpora).
   */
  generalisation?: CorpusGeneralisation;
}

/** The setting whose alarms the rehearsal's operator answers: more sensitive than the shipped one. */
export const OVER_SENSITIVE: Pick<DetectorParams, 'zFloor' | 'ratio'> = { zFloor: 3, ratio: 0.5 };

/** Share of rows removed, and seeded draws, for the gaps figure. */
const GAP_SHARE = 0.1;
const GAP_DRAWS = [1, 2, 3];

function gapsCheck(series: TrainingSeries[], params: DetectorParams): DetectorEvaluation['gaps'] {
  const draws = GAP_DRAWS.map((seed) => {
    const random = seededRandom(seed);
    return scoreDetector(
      params,
      series.map((s) => withGaps(s, GAP_SHARE, random)),
    );
  });
  return { share: GAP_SHARE, draws, mean: draws.reduce((a, b) => a + b, 0) / draws.length };
}

/** `medic model retrain --model detector` on this folder, by the registry's own trainer. */
function retrainingCheck(series: TrainingSeries[]): DetectorEvaluation['retraining'] {
  const fleet = { labelledSeries: series };
  const trainingFiles = detectorTrainer.trainingSize(0, fleet);
  const heldOutFiles = series.length - trainingFiles;
  if (heldOutFiles === 0 || trainingFiles === 0) return undefined;
  const params = detectorTrainer.train(0, 0, () => undefined, fleet);
  return {
    trainingFiles,
    heldOutFiles,
    shipped: detectorTrainer.evaluate(DEFAULT_DETECTOR_PARAMS, 0, fleet),
    tuned: detectorTrainer.evaluate(params, 0, fleet),
    zFloor: params.zFloor,
    ratio: params.ratio,
  };
}

function answeredRetraining(labelled: TrainingSeries[]): Pick<DetectorEvaluation, 'answeredRetraining'> {
  const rehearsed = rehearseAnsweredRetraining(labelled, { ...DEFAULT_DETECTOR_PARAMS, ...OVER_SENSITIVE });
  return 'reason' in rehearsed ? {} : { answeredRetraining: rehearsed };
}

function generalisation(labelled: TrainingSeries[]): Pick<DetectorEvaluation, 'generalisation'> {
  const found = leaveOneCorpusOut(labelled);
  return found ? { generalisation: found } : {};
}

/** Runs the detector over every labelled file of a NAB-style folder and scores it. */
export function evaluateDetector(
  datasetDir: string,
  params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
  progress: Progress = silentProgress,
): DetectorEvaluation {
  const byCorpus = new Map<string, SeriesScore[]>();
  let points = 0;
  let detectorNs = 0n;
  const labelled = readLabelledFolder(datasetDir);
  const scored: ScoredSeries[] = [];
  for (const series of labelled) {
    const { values, timestamps } = series;
    const detections = new Array<boolean>(values.length);
    const scores = new Array<number>(values.length);
    const detector = new StreamingDetector(params, { pointsPerDay: series.pointsPerDay });
    const started = process.hrtime.bigint();
    for (let i = 0; i < values.length; i++) {
      const result = detector.updateAt(values[i] ?? 0, timestamps[i]);
      detections[i] = result.isAnomaly;
      scores[i] = result.score;
    }
    detectorNs += process.hrtime.bigint() - started;
    scored.push({ name: series.name, timestamps, scores, windows: series.windows });
    points += values.length;
    const score = scoreSeries({ name: series.name, timestamps, detections, windows: series.windows });
    const corpus = series.name.split('/')[0] ?? series.name;
    byCorpus.set(corpus, [...(byCorpus.get(corpus) ?? []), score]);
    progress.tick(1, series.name);
  }
  progress.done();
  const all = [...byCorpus.values()].flat();
  const column = bestThreshold(scored);
  const sum = (xs: SeriesScore[], f: (s: SeriesScore) => number) => xs.reduce((a, s) => a + f(s), 0);
  return {
    corpora: [...byCorpus.entries()].map(([corpus, scores]) => ({
      corpus,
      files: scores.length,
      windows: sum(scores, (s) => s.windows),
      score: normalisedScore(scores),
      tp: sum(scores, (s) => s.truePositives),
      fp: sum(scores, (s) => s.falsePositives),
      fn: sum(scores, (s) => s.falseNegatives),
    })),
    overall: normalisedScore(all),
    scoreColumn: { threshold: column.threshold, overall: column.score },
    points,
    pointsPerSecond: points / (Number(detectorNs) / 1e9),
    gaps: gapsCheck(labelled, params),
    liveLoop: scoreDetector(
      params,
      labelled.map(({ pointsPerDay: _sampling, ...fedAsTheLoopFeedsIt }) => fedAsTheLoopFeedsIt),
    ),
    ...(params === DEFAULT_DETECTOR_PARAMS ? { retraining: retrainingCheck(labelled) } : {}),
    ...(params === DEFAULT_DETECTOR_PARAMS ? answeredRetraining(labelled) : {}),
    ...(params === DEFAULT_DETECTOR_PARAMS ? generalisation(labelled) : {}),
  };
}

export function formatEvaluation(e: DetectorEvaluation): string {
  const lines = [
    `${'corpus'.padEnd(24)} ${'files'.padStart(5)} ${'windows'.padStart(7)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)} ${'NAB std'.padStart(8)}`,
  ];
  for (const c of e.corpora) {
    const score = c.windows === 0 ? 'n/a' : c.score.toFixed(1);
    lines.push(
      `${c.corpus.padEnd(24)} ${String(c.files).padStart(5)} ${String(c.windows).padStart(7)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)} ${score.padStart(8)}`,
    );
  }
  lines.push(
    `${'overall'.padEnd(24)} ${''.padStart(5)} ${''.padStart(7)} ${''.padStart(4)} ${''.padStart(4)} ${''.padStart(4)} ${e.overall.toFixed(1).padStart(8)}`,
  );
  lines.push(
    `score column as NAB's optimiser reads it (best threshold on the scores): ${e.scoreColumn.overall.toFixed(1)} at ${e.scoreColumn.threshold.toFixed(3)}`,
  );
  lines.push(
    `throughput: ${Math.round(e.pointsPerSecond).toLocaleString('en-US')} points/s on one core (${e.points} points)`,
  );
  const { share, draws, mean } = e.gaps;
  lines.push(
    `with ${Math.round(share * 100)} % of each file's rows left out in 1-8 h stretches (exports with gaps; ${draws.length} draws): ${mean.toFixed(1)} (${Math.min(...draws).toFixed(1)}-${Math.max(...draws).toFixed(1)})`,
  );
  lines.push(
    `fed as the detection loop feeds it (times, no sampling: the daily profile judges): ${e.liveLoop.toFixed(1)}`,
  );
  const r = e.retraining;
  if (r)
    lines.push(
      `retraining check (as \`medic model retrain --model detector\` on this folder): tuned on ${r.trainingFiles} files (zFloor ${r.zFloor}, ratio ${r.ratio}), held-out ${r.heldOutFiles} files: tuned ${r.tuned.toFixed(1)} vs shipped ${r.shipped.toFixed(1)}`,
    );
  const a = e.answeredRetraining;
  if (a)
    lines.push(
      `retrained on answered alarms (MEDIC_DETECTOR_DATASET=fleet rehearsed: zFloor ${a.answering.zFloor}, ratio ${a.answering.ratio} fed as the loop feeds it, each alarm answered, ${a.answered.fault} fault / ${a.answered.expected} expected on ${a.series} files): tuned zFloor ${a.tuned.zFloor}, ratio ${a.tuned.ratio}; held-out ${a.heldOut} files by the answers ${a.byAnswers.answering.toFixed(1)} -> ${a.byAnswers.tuned.toFixed(1)}, by the true windows ${a.byTruth.answering.toFixed(1)} -> ${a.byTruth.tuned.toFixed(1)}`,
    );
  if (e.generalisation) lines.push(...formatGeneralisation(e.generalisation));
  return lines.join('\n');
}

function formatGeneralisation(g: CorpusGeneralisation): string[] {
  const knobs = (k: { zFloor: number; ratio: number }) => `${k.zFloor} / ${k.ratio}`;
  return [
    'each corpus set aside, zFloor / ratio tuned on the others (a stand-in for traces outside this folder):',
    `  ${'corpus set aside'.padEnd(24)} ${'tuned on the rest'.padStart(17)} ${'set aside'.padStart(9)} ${'shipped'.padStart(8)}  best on it alone`,
    ...g.corpora.map(
      (c) =>
        `  ${c.corpus.padEnd(24)} ${knobs(c.tuned).padStart(17)} ${c.heldOut.toFixed(1).padStart(9)} ${c.shipped.toFixed(1).padStart(8)}  ${c.ownBest.score.toFixed(1)} at ${knobs(c.ownBest)}`,
    ),
    `  ${'pooled'.padEnd(24)} ${''.padStart(17)} ${g.pooled.toFixed(1).padStart(9)} ${g.shippedPooled.toFixed(1).padStart(8)}  ${g.ownBestPooled.toFixed(1)} (each its own)`,
  ];
}
