/** What the model registry stores: immutable versions and a per-model pointer to the active one. */

export interface ModelVersion {
  model: string;
  version: string;
  parameters: unknown;
  /** `realAttempts`: attempts of real incidents the policy also learnt from. */
  training: {
    seed: number;
    examples: number;
    heldOutSeed: number;
    realAttempts?: number;
    /** The detector's live precision its false alarms were weighted by. */
    detectorPrecision?: number;
    /** The detector's labelled traces (a folder), or `synthetic`. */
    dataset?: string;
    /** The time span of the real data it was fitted on (traces, the fleet's series); none for simulated data. */
    dataRange?: { from: string; to: string };
  };
  metrics: Record<string, number>;
  parentVersion?: string;
  createdAt: string;
}

/**
 * What an active pointer names when the code's own model decides (the shipped detector, ranking and
 * smoothing; for the policy, the fixed runbook): where a rollback past the first promoted version
 * lands. Never a stored version: those are `<model>-<run id>`.
 */
export const SHIPPED_VERSION = 'shipped';

export interface ActivePointer {
  model: string;
  /** A stored version, or `SHIPPED_VERSION` after a rollback past the first promotion. */
  version: string;
  /** Earlier active versions, newest first: what `medic model rollback` goes back to. */
  history: string[];
  changedAt: string;
  reason: string;
}

/** One registry model as `GET /api/v1/models` shows it: what is active, how it scored, what it replaced. */
export interface ModelOverview {
  model: string;
  /** The held-out measure its versions are compared on (higher is better). */
  metric: string;
  /** Absent when no version has been promoted, or a rollback returned to it: the shipped model decides. */
  active?: {
    version: string;
    since: string;
    reason: string;
    /** Earlier active versions, newest first: what `medic model rollback` goes back to. */
    previous: string[];
    metrics: ModelVersion['metrics'];
    training: ModelVersion['training'];
    parentVersion?: string;
    createdAt: string;
  };
  /** When a rollback returned the model to the shipped one: since when, and from which version. */
  shipped?: { since: string; reason: string };
}

export function promote(
  current: ActivePointer | undefined,
  model: string,
  version: string,
  at: string,
  reason: string,
): ActivePointer {
  if (current?.version === version) return current;
  // The shipped model is where every history ends, so it is never listed in one.
  const replaced = current && current.version !== SHIPPED_VERSION ? [current.version] : [];
  return {
    model,
    version,
    history: [...replaced, ...(current?.history ?? [])].slice(0, 20),
    changedAt: at,
    reason,
  };
}

/**
 * The previous active version, or the shipped model once the history is used up: the first promoted
 * version replaced the shipped one, so that is what rolling it back restores.
 */
export function rollback(current: ActivePointer, at: string): ActivePointer {
  if (current.version === SHIPPED_VERSION)
    throw new Error(
      `model ${current.model} is back to the shipped one already: nothing earlier to roll back to`,
    );
  const [previous = SHIPPED_VERSION, ...rest] = current.history;
  return {
    model: current.model,
    version: previous,
    history: rest,
    changedAt: at,
    reason: `rolled back from ${current.version}`,
  };
}

/** A candidate replaces the active version only when it is better on the same held-out data. */
export function shouldPromote(candidate: number, active: number | undefined, minimumGain: number): boolean {
  return active === undefined || candidate > active + minimumGain;
}

/**
 * A figure a version records, as people read it: the detector's NAB score is on NAB's 0–100 scale,
 * counts of incidents are counts, every other figure is a share of 1 (a percentage). By name, not by
 * size: a NAB score of 0.8 is not 80 %.
 */
export function formatModelFigure(metric: string, value: number): string {
  if (metric === 'nabScore') return value.toFixed(1);
  if (/Incidents$/.test(metric)) return String(value);
  return `${(100 * value).toFixed(1)} %`;
}

/**
 * What a version learnt from, on one line: "trained on 30 of /data/nab (2014-02-14 → 2014-09-17)",
 * "trained on 400 simulated (seed 12345) + 6 real attempts".
 */
export function describeTraining(training: ModelVersion['training']): string {
  const source =
    training.dataset && training.dataset !== 'synthetic'
      ? `${training.examples} of ${training.dataset}`
      : `${training.examples} simulated (seed ${training.seed})`;
  const range = training.dataRange
    ? ` (${training.dataRange.from.slice(0, 10)} → ${training.dataRange.to.slice(0, 10)})`
    : '';
  const real = training.realAttempts ? ` + ${training.realAttempts} real attempts` : '';
  return `trained on ${source}${range}${real}`;
}

/** A version's figures on one line: "firstActionSuccess 83.6 %, backtestIncidents 28". */
export const formatModelMetrics = (metrics: Record<string, number>): string =>
  Object.entries(metrics)
    .map(([metric, value]) => `${metric} ${formatModelFigure(metric, value)}`)
    .join(', ');
