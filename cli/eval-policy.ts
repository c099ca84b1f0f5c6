import { rankActions } from '../domain/policy/bandit';
import {
  greedy,
  offPolicyEstimate,
  logRunbookWithExploration,
  measure,
  runbook,
  symptomBayesCeiling,
  trainBandit,
  TRAINING_EXPLORATION,
  type PolicyFigures,
} from '../domain/policy/evaluate';
import { REMEDIATIONS, type Remediation } from '../domain/policy/incident-simulator';

export interface PolicyEvaluation {
  seed: number;
  trainingIncidents: number;
  evaluationIncidents: number;
  rows: PolicyFigures[];
  /** What the best policy could achieve from the same noisy symptoms. */
  ceiling: PolicyFigures;
  backtest: {
    loggedIncidents: number;
    /** Inverse propensity scoring. */
    estimatedFirstActionSuccess: number;
    /** Self-normalised inverse propensity scoring, the steadier estimate. */
    selfNormalisedFirstActionSuccess: number;
    /** What the estimate is worth in equally weighted incidents. */
    effectiveIncidents: number;
    actualFirstActionSuccess: number;
  };
  /**
   * The same training size from other seeds, judged on the same held-out incidents: one seed's
   * figure moves by a point or two with the luck of its training incidents.
   */
  acrossSeeds: { seeds: number; mean: number; min: number; max: number; meanMinutesToRecover: number };
}

/** Training seeds behind the spread line of `medic eval policy`. */
const SPREAD_SEEDS = 10;

function acrossSeeds(
  seed: number,
  trainingIncidents: number,
  evalSeed: number,
  evaluationIncidents: number,
): PolicyEvaluation['acrossSeeds'] {
  const runs = Array.from({ length: SPREAD_SEEDS }, (_, i) =>
    measure(
      'seed',
      greedy(trainBandit(seed * 7919 + i + 1, trainingIncidents)),
      evalSeed,
      evaluationIncidents,
    ),
  );
  const success = runs.map((r) => r.firstActionSuccess);
  return {
    seeds: SPREAD_SEEDS,
    mean: success.reduce((a, b) => a + b, 0) / runs.length,
    min: Math.min(...success),
    max: Math.max(...success),
    meanMinutesToRecover: runs.reduce((a, r) => a + r.meanMinutesToRecover, 0) / runs.length,
  };
}

/** Trains the bandit on simulated incidents and compares it with the fixed runbook on held-out ones. */
export function evaluatePolicy(
  seed: number,
  trainingIncidents: number,
  evaluationIncidents: number,
): PolicyEvaluation {
  const evalSeed = seed + 1_000_003;
  const rows = [measure('fixed runbook', runbook, evalSeed, evaluationIncidents)];
  const checkpoints = [...new Set([0, 50, 100, trainingIncidents].filter((n) => n <= trainingIncidents))];
  let model = trainBandit(seed, 0);
  let trained = 0;
  for (const n of checkpoints) {
    model = trainBandit(seed + n, n - trained, TRAINING_EXPLORATION, model);
    trained = n;
    rows.push(measure(`bandit after ${n}`, greedy(model), evalSeed, evaluationIncidents));
  }
  const logs = logRunbookWithExploration(seed + 2_000_003, 5000, 0.3);
  const candidate = (context: number[]) => rankActions(model, context, [...REMEDIATIONS])[0] as Remediation;
  const estimate = offPolicyEstimate(logs, candidate);
  return {
    seed,
    trainingIncidents,
    evaluationIncidents,
    rows,
    ceiling: measure('symptom Bayes ceiling', symptomBayesCeiling, evalSeed, evaluationIncidents),
    backtest: {
      loggedIncidents: logs.length,
      estimatedFirstActionSuccess: estimate.inversePropensity,
      selfNormalisedFirstActionSuccess: estimate.selfNormalised,
      effectiveIncidents: estimate.effectiveIncidents,
      actualFirstActionSuccess: rows[rows.length - 1]?.firstActionSuccess ?? 0,
    },
    acrossSeeds: acrossSeeds(seed, trainingIncidents, evalSeed, evaluationIncidents),
  };
}

export function formatPolicy(e: PolicyEvaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `${'policy'.padEnd(20)} ${'first-action success'.padStart(21)} ${'mean TTR (min)'.padStart(15)} ${'regret (min)'.padStart(13)}`,
    ...[...e.rows, e.ceiling].map(
      (r) =>
        `${r.policy.padEnd(20)} ${pct(r.firstActionSuccess).padStart(21)} ${r.meanMinutesToRecover.toFixed(2).padStart(15)} ${r.regretMinutes.toFixed(2).padStart(13)}`,
    ),
    `held-out incidents: ${e.evaluationIncidents}; seed ${e.seed}`,
    `bandit after ${e.trainingIncidents} from ${e.acrossSeeds.seeds} other training seeds, same held-out incidents: first-action success ${pct(e.acrossSeeds.mean)} mean (${pct(e.acrossSeeds.min)}–${pct(e.acrossSeeds.max)}), mean TTR ${e.acrossSeeds.meanMinutesToRecover.toFixed(2)} min`,
    `backtest before enabling (${e.backtest.loggedIncidents} incidents logged by an ε-random runbook, worth ${Math.round(e.backtest.effectiveIncidents)} equally weighted ones): estimated first-action success ${pct(e.backtest.selfNormalisedFirstActionSuccess)} self-normalised, ${pct(e.backtest.estimatedFirstActionSuccess)} by plain inverse propensity scoring; measured ${pct(e.backtest.actualFirstActionSuccess)}`,
  ];
  return lines.join('\n');
}
