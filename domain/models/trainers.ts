import { greedy, measure, runbook, trainBandit, TRAINING_EXPLORATION } from '../policy/evaluate';
import { learn, type BanditState } from '../policy/bandit';
import type { Experience } from '../policy/experience';
import { byModel, rootCauseAccuracy } from '../rootcause/training';
import { trainPropagationModel } from '../rootcause/propagation-training';
import { SHIPPED_ROOT_CAUSE_MODEL, type RootCauseModel } from '../rootcause/ranking';
import { DEFAULT_DETECTOR_PARAMS, DETECTOR_VERSION, type DetectorParams } from '../anomaly/detector';
import { generateLabelledSet, isHeldOut, type TrainingSeries } from '../anomaly/labelled-series';
import { profileForPrecision, scoreDetector, tuneDetector } from '../anomaly/tuning';
import { seededRandom } from '../random';
import { generateDemandTraces, type DemandTrace } from '../scaling/demand-traces';
import { forecastAccuracy, trainSmoothing } from '../scaling/smoothing-training';
import type { Smoothing } from '../scaling/live-forecast';
import { DEFAULT_SMOOTHING } from '../scaling/forecaster';

/**
 * The models the registry can retrain: how to train one from a seed, and how to score any version
 * on held-out data (higher is better) so a candidate and the active version meet on equal terms.
 */
export interface Trainer<P> {
  metric: string;
  /** The smallest gain on `metric`'s own scale worth a promotion: less is noise between runs. */
  minimumGain: number;
  /** Trains in chunks, reporting the fraction done so long runs can heartbeat. */
  train(seed: number, examples: number, progress: (fraction: number) => void, fleet: FleetEvidence): P;
  /** Candidate and active version are scored with the same `fleet` evidence, on the same held-out data. */
  evaluate(parameters: P, heldOutSeed: number, fleet: FleetEvidence): number;
  /** How many examples training really used, when not the `examples` asked for (real traces). */
  trainingSize?(examples: number, fleet: FleetEvidence): number;
  /** The time span of the real data training fitted on (epoch ms); undefined for simulated data. */
  dataRange?(fleet: FleetEvidence): TimeSpan | undefined;
  /**
   * What decides while no version is promoted (or a rollback returned to it), judged like a version:
   * the first candidate must beat it as any later one must beat the active version.
   */
  shipped: { describe: string; evaluate(heldOutSeed: number, fleet: FleetEvidence): number };
}

/** What the fleet's real incidents say, for the trainers that use it. */
export interface FleetEvidence {
  /** Attempts of closed incidents and their feedback: the policy learns from them. */
  experience?: Experience[];
  /**
   * The detector's live precision (incidents it opened that were real); a low one makes false
   * alarms cost more in its training and judging.
   */
  detectorPrecision?: number;
  /**
   * Real labelled traces for the detector (`MEDIC_DETECTOR_DATASET`: a folder, or the fleet's own
   * answered detections): when given, it is fitted on two thirds of them and judged on the held-out
   * third (`isHeldOut`) instead of on generated series.
   */
  labelledSeries?: TrainingSeries[];
  /** Where the training series came from (a folder, `synthetic`, the fleet's answers), for the record. */
  dataset?: string;
  /** Real demand traces for the forecaster's smoothing (`MEDIC_DEMAND_DATASET`). */
  demandTraces?: DemandTrace[];
}

const CHUNKS = 10;
/** How many simulated lessons one real attempt is worth. */
const REAL_WEIGHT = 5;

const rootCause: Trainer<RootCauseModel> = {
  metric: 'top1',
  minimumGain: 0.005,
  train(seed, examples, progress) {
    // The root-cause model trains in one counting pass; report start and end.
    progress(0);
    const model = trainPropagationModel(seed, examples);
    progress(1);
    return model;
  },
  evaluate: (model, heldOutSeed) => rootCauseAccuracy('candidate', byModel(model), heldOutSeed, 500).top1,
  shipped: {
    describe: 'the shipped ranking',
    evaluate: (heldOutSeed, fleet) => rootCause.evaluate(SHIPPED_ROOT_CAUSE_MODEL, heldOutSeed, fleet),
  },
};

const remediationPolicy: Trainer<BanditState> = {
  metric: 'firstActionSuccess',
  minimumGain: 0.005,
  train(seed, examples, progress, { experience }) {
    let model: BanditState | undefined;
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      const size = Math.floor(((chunk + 1) * examples) / CHUNKS) - Math.floor((chunk * examples) / CHUNKS);
      model = trainBandit(seed + chunk, size, TRAINING_EXPLORATION, model);
      progress((chunk + 1) / CHUNKS);
    }
    const trained = model ?? trainBandit(seed, 0);
    // Real outcomes count more than simulated ones: each is learnt REAL_WEIGHT times.
    for (const e of experience ?? [])
      for (let i = 0; i < REAL_WEIGHT; i++) learn(trained, e.context, e.action, e.reward);
    return trained;
  },
  evaluate: (model, heldOutSeed) => measure('candidate', greedy(model), heldOutSeed, 500).firstActionSuccess,
  // Without a promoted policy the plan keeps the catalogue's own order (activities/policy-advice.ts).
  shipped: {
    describe: 'the fixed runbook order (no policy)',
    evaluate: (heldOutSeed) => measure('runbook', runbook, heldOutSeed, 500).firstActionSuccess,
  },
};

/** Generated held-out series the detector is judged on without real traces (about 0.2 s per setting). */
const DETECTOR_HELD_OUT_SERIES = 300;

const realTrainingFiles = (labelled: TrainingSeries[]) => labelled.filter((s) => !isHeldOut(s));

export interface TimeSpan {
  fromMs: number;
  toMs: number;
}

/** The first and last of some times; undefined when there are none. */
function spanOf(times: Iterable<number>): TimeSpan | undefined {
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const t of times) {
    if (!Number.isFinite(t)) continue;
    fromMs = Math.min(fromMs, t);
    toMs = Math.max(toMs, t);
  }
  return fromMs <= toMs ? { fromMs, toMs } : undefined;
}

export const detectorTrainer: Trainer<DetectorParams> &
  Required<Pick<Trainer<DetectorParams>, 'trainingSize'>> = {
  metric: 'nabScore',
  // The NAB score runs from 0 to 100: half a point, the others' half a percent.
  minimumGain: 0.5,
  train(seed, examples, progress, { detectorPrecision, labelledSeries }) {
    const series = labelledSeries?.length
      ? realTrainingFiles(labelledSeries)
      : generateLabelledSet(seededRandom(seed), examples);
    return tuneDetector(series, profileForPrecision(detectorPrecision), progress).params;
  },
  trainingSize: (examples, { labelledSeries }) =>
    labelledSeries?.length ? realTrainingFiles(labelledSeries).length : examples,
  dataRange: ({ labelledSeries }) =>
    spanOf(
      realTrainingFiles(labelledSeries ?? []).flatMap((s) =>
        s.timestamps.length ? [s.timestamps[0] ?? NaN, s.timestamps[s.timestamps.length - 1] ?? NaN] : [],
      ),
    ),
  evaluate(params, heldOutSeed, { detectorPrecision, labelledSeries }) {
    const series = labelledSeries?.length
      ? labelledSeries.filter(isHeldOut)
      : generateLabelledSet(seededRandom(heldOutSeed), DETECTOR_HELD_OUT_SERIES);
    return scoreDetector(params, series, profileForPrecision(detectorPrecision));
  },
  shipped: {
    describe: `the shipped detector (${DETECTOR_VERSION})`,
    evaluate: (heldOutSeed, fleet) => detectorTrainer.evaluate(DEFAULT_DETECTOR_PARAMS, heldOutSeed, fleet),
  },
};

/** A week of generated demand per trace: weekends and lasting shifts need more than a few days. */
const DEMAND_TRACE_DAYS = 7;
/** How many generated weeks `examples` days of demand take (at least one). */
const generatedDemandWeeks = (examples: number) => Math.max(1, Math.ceil(examples / DEMAND_TRACE_DAYS));
/** Generated weeks of demand the smoothing is judged on (about 60 000 steps). */
const DEMAND_HELD_OUT_TRACES = 30;

/**
 * The demand forecaster's smoothing. With real demand traces (`MEDIC_DEMAND_DATASET`) it trains on
 * each trace's first two thirds and is judged on the last third; without them `examples` are days of
 * generated demand, judged on a fresh draw.
 */
const demandForecast: Trainer<Smoothing> = {
  metric: 'forecastAccuracy',
  // One minus a relative error: a fifth of a point is what a different trace draw moves it.
  minimumGain: 0.002,
  train(seed, examples, progress, { demandTraces }) {
    if (demandTraces?.length) return trainSmoothing(demandTraces, progress, 'earlier');
    const traces = generatedDemandWeeks(examples);
    return trainSmoothing(generateDemandTraces(seededRandom(seed), traces, DEMAND_TRACE_DAYS), progress);
  },
  trainingSize: (examples, { demandTraces }) =>
    demandTraces?.length ?? generatedDemandWeeks(examples) * DEMAND_TRACE_DAYS,
  // Each trace's first two thirds are fitted on: the span up to there.
  dataRange: ({ demandTraces }) =>
    spanOf(
      (demandTraces ?? []).flatMap((t) =>
        t.startMs === undefined
          ? []
          : [
              t.startMs,
              t.startMs + Math.max(0, Math.floor((2 * t.values.length) / 3) - 1) * t.stepSeconds * 1000,
            ],
      ),
    ),
  evaluate: (smoothing, heldOutSeed, { demandTraces }) =>
    demandTraces?.length
      ? forecastAccuracy(smoothing, demandTraces, 'later')
      : forecastAccuracy(
          smoothing,
          generateDemandTraces(seededRandom(heldOutSeed), DEMAND_HELD_OUT_TRACES, DEMAND_TRACE_DAYS),
        ),
  shipped: {
    describe: `the shipped smoothing (α ${DEFAULT_SMOOTHING.alpha}, β ${DEFAULT_SMOOTHING.beta}, γ ${DEFAULT_SMOOTHING.gamma})`,
    evaluate: (heldOutSeed, fleet) => demandForecast.evaluate(DEFAULT_SMOOTHING, heldOutSeed, fleet),
  },
};

export const TRAINERS = {
  detector: detectorTrainer,
  rootcause: rootCause,
  'remediation-policy': remediationPolicy,
  'demand-forecast': demandForecast,
} as const;

export type ModelName = keyof typeof TRAINERS;

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(TRAINERS, name);
}

export function trainerFor(name: ModelName): Trainer<unknown> {
  return TRAINERS[name];
}
