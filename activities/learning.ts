import { ApplicationFailure } from '@temporalio/common';
import { promote, SHIPPED_VERSION, type ModelVersion } from '../domain/models/registry';
import {
  isModelName,
  trainerFor,
  type FleetEvidence,
  type ModelName,
  type TimeSpan,
} from '../domain/models/trainers';
import type { ModelStore } from './model-store';
import { rankActions, type BanditState } from '../domain/policy/bandit';
import { backtest } from '../domain/policy/experience';
import { readLabelledFolder } from '../domain/anomaly/labelled-folder';
import { readDemandTraces } from '../domain/scaling/demand-folder';
import { FLEET_DEMAND, MIN_DEMAND_DAYS, type FleetDemand } from './fleet-demand';
import { FLEET_DATASET, heldOutFleetSeries } from '../domain/anomaly/fleet-labels';
import type { TrainingSeries } from '../domain/anomaly/labelled-series';
import { REMEDIATIONS, type Remediation } from '../domain/policy/incident-simulator';

export interface TrainCandidateInput {
  model: string;
  /** Unique per retraining run; doubles as the idempotency key of the stored artifact. */
  version: string;
  seed: number;
  examples: number;
  heldOutSeed: number;
}

/** Whether the candidate became active; when not, which version had become active meanwhile. */
export type PromotionOutcome = { promoted: true } | { promoted: false; activeNow: string };

export interface ScoredVersion {
  version: string;
  score: number;
  metric: string;
  /** The smallest gain on `metric` worth a promotion (absent from results recorded before it). */
  minimumGain?: number;
  /** When `version` is `SHIPPED_VERSION`: what that is ("the shipped ranking"), for the reason. */
  shipped?: string;
  /** The policy's backtest on recorded incidents (inverse propensity scoring), before it is enabled. */
  backtest?: { estimate: number; amongMatched?: number; matched: number; incidents: number };
}

function backtestOf(metrics: Record<string, number>): Pick<ScoredVersion, 'backtest'> {
  return metrics.backtestIncidents !== undefined
    ? {
        backtest: {
          estimate: metrics.backtestFirstActionSuccess ?? 0,
          // Versions backtested before it was recorded have none.
          ...(metrics.backtestAmongMatched !== undefined
            ? { amongMatched: metrics.backtestAmongMatched }
            : {}),
          matched: metrics.backtestMatched ?? 0,
          incidents: metrics.backtestIncidents,
        },
      }
    : {};
}

/** The span as a version records it (ISO times), or nothing. */
const dataRangeOf = (span: TimeSpan | undefined): Pick<ModelVersion['training'], 'dataRange'> =>
  span
    ? { dataRange: { from: new Date(span.fromMs).toISOString(), to: new Date(span.toMs).toISOString() } }
    : {};

function trainerOrFail(model: string): ModelName {
  if (!isModelName(model)) throw ApplicationFailure.nonRetryable(`unknown model "${model}"`, 'UnknownModel');
  return model;
}

/** Training, evaluation and promotion for the retraining workflow; the store is the only side effect. */
export function createLearningActivities(
  store: ModelStore,
  heartbeat: () => (detail: string) => void,
  /**
   * What the fleet's closed incidents say about `model` (the policy's experience, the detector's
   * precision and answered series); reading it reports progress, which the activity heartbeats.
   */
  fleetEvidence: (
    model: ModelName,
    progress: (detail: string) => void,
  ) => Promise<FleetEvidence> = async () => ({}),
) {
  // The evidence a candidate was trained and judged with, by held-out seed: the active version is
  // judged with the same, even if an incident closes between the two activities.
  const evidenceByRun = new Map<number, FleetEvidence>();
  async function evidenceFor(
    model: ModelName,
    heldOutSeed: number,
    progress: (detail: string) => void,
  ): Promise<FleetEvidence> {
    const known = evidenceByRun.get(heldOutSeed);
    if (known) return known;
    const fresh = await fleetEvidence(model, progress);
    evidenceByRun.set(heldOutSeed, fresh);
    if (evidenceByRun.size > 4) evidenceByRun.delete(evidenceByRun.keys().next().value as number);
    return fresh;
  }

  return {
    async trainCandidate(input: TrainCandidateInput): Promise<ScoredVersion> {
      const name = trainerOrFail(input.model);
      const trainer = trainerFor(name);
      await store.ensureBucket();
      const existing = await store.getVersion(input.model, input.version);
      if (existing)
        return {
          version: existing.version,
          score: existing.metrics[trainer.metric] ?? 0,
          metric: trainer.metric,
          minimumGain: trainer.minimumGain,
          ...backtestOf(existing.metrics),
        };
      const beat = heartbeat();
      const fleet = await evidenceFor(name, input.heldOutSeed, beat);
      const real = fleet.experience ?? [];
      const parameters = trainer.train(
        input.seed,
        input.examples,
        (f) => beat(`training ${Math.round(100 * f)} %`),
        fleet,
      );
      beat('evaluating on held-out data');
      const score = trainer.evaluate(parameters, input.heldOutSeed, fleet);
      const tested =
        input.model === 'remediation-policy'
          ? backtest(
              real,
              (context) =>
                rankActions(parameters as BanditState, context, [...REMEDIATIONS])[0] as Remediation,
            )
          : undefined;
      const active = await store.getActive(input.model);
      const artifact: ModelVersion = {
        model: input.model,
        version: input.version,
        parameters,
        training: {
          seed: input.seed,
          examples: trainer.trainingSize?.(input.examples, fleet) ?? input.examples,
          heldOutSeed: input.heldOutSeed,
          ...(input.model === 'remediation-policy' ? { realAttempts: real.length } : {}),
          ...(fleet.detectorPrecision !== undefined ? { detectorPrecision: fleet.detectorPrecision } : {}),
          ...(fleet.dataset ? { dataset: fleet.dataset } : {}),
          ...dataRangeOf(trainer.dataRange?.(fleet)),
        },
        metrics: {
          [trainer.metric]: score,
          ...(tested
            ? {
                backtestFirstActionSuccess: tested.estimate,
                backtestAmongMatched: tested.amongMatched,
                backtestMatched: tested.matched,
                backtestIncidents: tested.incidents,
              }
            : {}),
        },
        ...(active && active.version !== SHIPPED_VERSION ? { parentVersion: active.version } : {}),
        createdAt: new Date().toISOString(),
      };
      const stored = await store.putVersion(artifact);
      return {
        version: stored.version,
        score: stored.metrics[trainer.metric] ?? score,
        metric: trainer.metric,
        minimumGain: trainer.minimumGain,
        ...backtestOf(stored.metrics),
      };
    },

    /**
     * The active version's score on the candidate's held-out data; while none is promoted (or a
     * rollback returned to it), the shipped model's, which is what decides then.
     */
    async scoreActive(input: { model: string; heldOutSeed: number }): Promise<ScoredVersion> {
      const name = trainerOrFail(input.model);
      const trainer = trainerFor(name);
      await store.ensureBucket();
      const pointer = await store.getActive(input.model);
      const evidence = () => evidenceFor(name, input.heldOutSeed, heartbeat());
      if (!pointer || pointer.version === SHIPPED_VERSION)
        return {
          version: SHIPPED_VERSION,
          score: trainer.shipped.evaluate(input.heldOutSeed, await evidence()),
          metric: trainer.metric,
          shipped: trainer.shipped.describe,
        };
      const active = await store.getVersion(input.model, pointer.version);
      if (!active)
        throw ApplicationFailure.nonRetryable(
          `active version ${pointer.version} of ${input.model} is missing from the registry`,
          'MissingModelVersion',
        );
      return {
        version: active.version,
        score: trainer.evaluate(active.parameters, input.heldOutSeed, await evidence()),
        metric: trainer.metric,
      };
    },

    /**
     * Makes the candidate active, but only over the version the run compared it with
     * (`expectedActive`, `SHIPPED_VERSION` for none): a rollback or another run's promotion since then
     * wins, and this run reports it instead of replacing a version it never judged. Idempotent: a
     * retry after its own write landed finds the candidate active, or just replaced.
     */
    async promoteVersion(input: {
      model: string;
      version: string;
      reason: string;
      expectedActive?: string;
    }): Promise<PromotionOutcome> {
      const read = await store.readActive(input.model);
      const current = read?.pointer;
      // Its own write landed (and may since have been superseded by a later promotion).
      if (current?.version === input.version || current?.history.includes(input.version))
        return { promoted: true };
      const activeNow = current?.version ?? SHIPPED_VERSION;
      if (input.expectedActive !== undefined && activeNow !== input.expectedActive)
        return { promoted: false, activeNow };
      const next = promote(current, input.model, input.version, new Date().toISOString(), input.reason);
      // Lost to a write since the read: the retry reads again and reports whoever won.
      await store.setActive(next, read ?? 'none');
      return { promoted: true };
    },
  };
}

/**
 * The detector's training series: a NAB-style labelled folder, the fleet's own answered detections
 * (`fleet`, read by `readFleet`; decision 0053), or generated CPU series when the setting says
 * `synthetic` (the trainer generates them). Tuned on generated series alone the detector does not
 * generalise to real traces, so there is no silent default.
 */
export async function detectorTrainingData(
  dataset: string | undefined,
  readFleet: () => Promise<TrainingSeries[]> = async () => [],
): Promise<Pick<FleetEvidence, 'labelledSeries' | 'dataset'>> {
  if (!dataset)
    throw ApplicationFailure.nonRetryable(
      'the detector is retrained on labelled traces: set MEDIC_DETECTOR_DATASET to a NAB-style folder (windows.json and data/), to "fleet" for the fleet\'s own answered detections, or to "synthetic" for generated CPU series',
      'NoDetectorTrainingData',
    );
  if (dataset === 'synthetic') return { dataset };
  if (dataset === FLEET_DATASET) {
    const series = heldOutFleetSeries(await readFleet());
    if (!Array.isArray(series))
      throw ApplicationFailure.nonRetryable(
        `MEDIC_DETECTOR_DATASET=fleet: ${series.reason}`,
        'TooFewAnswers',
      );
    const faults = series.reduce((n, s) => n + s.windows.length, 0);
    return {
      dataset: `fleet (${series.length} answered series, ${faults} confirmed faults)`,
      labelledSeries: series,
    };
  }
  try {
    return { dataset, labelledSeries: readLabelledFolder(dataset) };
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `MEDIC_DETECTOR_DATASET ${dataset} is not a labelled folder: ${(err as Error).message}`,
      'BadDetectorDataset',
    );
  }
}

/**
 * The demand forecaster's real traces: files or folders of `timestamp,value` CSVs (comma-separated), or
 * `fleet` — the groups the scaling agents run for, from CloudWatch; generated demand when unset.
 */
export async function demandTrainingData(
  dataset: string | undefined,
  readFleet: () => Promise<FleetDemand>,
): Promise<FleetEvidence> {
  if (!dataset) return { dataset: 'synthetic' };
  if (dataset === FLEET_DEMAND) {
    const fleet = await readFleet();
    if (fleet.demandTraces.length === 0) {
      const short = fleet.tooShort.map((g) => `${g.group} ${g.days.toFixed(1)} days`).join(', ');
      throw ApplicationFailure.nonRetryable(
        `MEDIC_DEMAND_DATASET=fleet: no scaling agent's group has ${MIN_DEMAND_DAYS} days of demand in CloudWatch${short ? ` (${short})` : ' (no scaling agent is running: medic scale watch --group NAME --predictive)'}`,
        'TooLittleDemand',
      );
    }
    return { dataset: fleet.dataset, demandTraces: fleet.demandTraces };
  }
  try {
    const demandTraces = dataset.split(',').flatMap((path) => readDemandTraces(path.trim()));
    if (demandTraces.length === 0) throw new Error('no .csv file in it');
    return { dataset, demandTraces };
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `MEDIC_DEMAND_DATASET ${dataset} is not a demand trace or a folder of them: ${(err as Error).message}`,
      'BadDemandDataset',
    );
  }
}

/**
 * Why this worker cannot retrain `model` now, or undefined when it can: the detector needs its
 * labelled traces, the demand forecaster on `fleet` enough days of the scaled groups' demand. The model monitor asks before it starts a retraining run that would fail at once.
 */
export async function retrainingBlocker(
  model: string,
  detectorDataset: string | undefined,
  readFleet?: () => Promise<TrainingSeries[]>,
  demand?: { dataset: string | undefined; readFleet: () => Promise<FleetDemand> },
): Promise<string | undefined> {
  try {
    if (model === 'detector') await detectorTrainingData(detectorDataset, readFleet);
    if (model === 'demand-forecast' && demand) await demandTrainingData(demand.dataset, demand.readFleet);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
