import { ApplicationFailure } from '@temporalio/common';
import { promote, type ModelVersion } from '../domain/models/registry';
import { isModelName, trainerFor, type ModelName } from '../domain/models/trainers';
import type { ModelStore } from './model-store';
import { rankActions, type BanditState } from '../domain/policy/bandit';
import { backtest, type Experience } from '../domain/policy/experience';
import { REMEDIATIONS, type Remediation } from '../domain/policy/incident-simulator';

export interface TrainCandidateInput {
  model: string;
  /** Unique per retraining run; doubles as the idempotency key of the stored artifact. */
  version: string;
  seed: number;
  examples: number;
  heldOutSeed: number;
}

export interface ScoredVersion {
  version: string;
  score: number;
  metric: string;
  /** The policy's backtest on recorded incidents (inverse propensity scoring), before it is enabled. */
  backtest?: { estimate: number; matched: number; incidents: number };
}

function backtestOf(metrics: Record<string, number>): Pick<ScoredVersion, 'backtest'> {
  return metrics.backtestIncidents !== undefined
    ? {
        backtest: {
          estimate: metrics.backtestFirstActionSuccess ?? 0,
          matched: metrics.backtestMatched ?? 0,
          incidents: metrics.backtestIncidents,
        },
      }
    : {};
}

function trainerOrFail(model: string): ModelName {
  if (!isModelName(model)) throw ApplicationFailure.nonRetryable(`unknown model "${model}"`, 'UnknownModel');
  return model;
}

/** Training, evaluation and promotion for the retraining workflow; the store is the only side effect. */
export function createLearningActivities(
  store: ModelStore,
  heartbeat: () => (detail: string) => void,
  /** What real incidents taught the remediation policy (closed incidents' attempts and feedback). */
  experience: () => Promise<Experience[]> = async () => [],
) {
  return {
    async trainCandidate(input: TrainCandidateInput): Promise<ScoredVersion> {
      const trainer = trainerFor(trainerOrFail(input.model));
      await store.ensureBucket();
      const existing = await store.getVersion(input.model, input.version);
      if (existing)
        return {
          version: existing.version,
          score: existing.metrics[trainer.metric] ?? 0,
          metric: trainer.metric,
          ...backtestOf(existing.metrics),
        };
      const beat = heartbeat();
      const real = input.model === 'remediation-policy' ? await experience() : [];
      const parameters = trainer.train(
        input.seed,
        input.examples,
        (f) => beat(`training ${Math.round(100 * f)} %`),
        real,
      );
      beat('evaluating on held-out data');
      const score = trainer.evaluate(parameters, input.heldOutSeed);
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
          examples: input.examples,
          heldOutSeed: input.heldOutSeed,
          ...(input.model === 'remediation-policy' ? { realAttempts: real.length } : {}),
        },
        metrics: {
          [trainer.metric]: score,
          ...(tested
            ? {
                backtestFirstActionSuccess: tested.estimate,
                backtestMatched: tested.matched,
                backtestIncidents: tested.incidents,
              }
            : {}),
        },
        parentVersion: active?.version,
        createdAt: new Date().toISOString(),
      };
      const stored = await store.putVersion(artifact);
      return {
        version: stored.version,
        score: stored.metrics[trainer.metric] ?? score,
        metric: trainer.metric,
        ...backtestOf(stored.metrics),
      };
    },

    /** The active version's score on the candidate's held-out data; undefined when none is active. */
    async scoreActive(input: { model: string; heldOutSeed: number }): Promise<ScoredVersion | undefined> {
      const trainer = trainerFor(trainerOrFail(input.model));
      await store.ensureBucket();
      const pointer = await store.getActive(input.model);
      if (!pointer) return undefined;
      const active = await store.getVersion(input.model, pointer.version);
      if (!active)
        throw ApplicationFailure.nonRetryable(
          `active version ${pointer.version} of ${input.model} is missing from the registry`,
          'MissingModelVersion',
        );
      return {
        version: active.version,
        score: trainer.evaluate(active.parameters, input.heldOutSeed),
        metric: trainer.metric,
      };
    },

    /** Idempotent: promoting the version that is already active changes nothing. */
    async promoteVersion(input: { model: string; version: string; reason: string }): Promise<void> {
      const current = await store.getActive(input.model);
      const next = promote(current, input.model, input.version, new Date().toISOString(), input.reason);
      if (next !== current) await store.setActive(next);
    },
  };
}
