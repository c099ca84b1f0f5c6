import { dailySeasonLength, DEFAULT_SMOOTHING, HoltWinters, type HoltWintersSnapshot } from './forecaster';
import type { ReactiveScalingPolicy, ScalingDecision } from './reactive';

/**
 * Predictive scaling for a live group: the group's demand (average CPU × instances in service, in
 * "instance-percent") is averaged into fixed steps and fed to a daily Holt-Winters forecaster; the
 * capacity the forecast needs over the boot time is a floor under the reactive rule, never a reason
 * to scale in. Plain data throughout, so the scaling agent's workflow can carry it.
 */

export interface PredictiveSettings {
  /** Seconds per forecast step; demand is averaged over each (300: a day is 288 steps). */
  stepSeconds: number;
  /** How long a new instance takes to serve: capacity must be asked for this far ahead. */
  bootSeconds: number;
  /** Headroom in multiples of the forecaster's typical one-step error. */
  errorMargin: number;
  /** Hours between refits on the group's latest history (default 24): demand patterns move. */
  refitHours?: number;
  /**
   * Live one-step error (MAPE, a share) above which the forecaster is refitted early. Default: twice
   * the error its smoothing was chosen with on the group's own last day, and at least 0.1.
   */
  refitAboveMape?: number;
}

export const DEFAULT_REFIT_HOURS = 24;

export const DEFAULT_PREDICTIVE: PredictiveSettings = { stepSeconds: 300, bootSeconds: 300, errorMargin: 1 };

export interface DemandForecast {
  forecaster: HoltWintersSnapshot;
  /** Start (epoch ms) of the step being accumulated. */
  stepStart?: number;
  stepSum: number;
  stepCount: number;
  /** The newest completed step's demand: fills steps nobody observed (a worker restart). */
  lastDemand?: number;
  /** What the forecaster expected for the step being accumulated, to measure it when it completes. */
  expected?: number;
  /** Live forecast quality: exponentially weighted mean absolute percentage error of one-step forecasts. */
  mape?: number;
  /** Completed steps measured in `mape`. */
  measured: number;
  /** How the smoothing was chosen from the seeding history, when it was (see `fitSmoothing`). */
  fit?: SmoothingFit;
  /** When (epoch ms) history last seeded the forecaster: the refit clock. */
  seededAt?: number;
  /** Why the latest refit happened, when it was early (the forecast had drifted). */
  refitReason?: string;
}

/** Whether the forecaster is due to be refitted on fresh history (one seeded before refits existed is). */
export function refitDue(state: DemandForecast, settings: PredictiveSettings, nowMs: number): boolean {
  return nowMs - (state.seededAt ?? 0) >= (settings.refitHours ?? DEFAULT_REFIT_HOURS) * 3_600_000;
}

/** Steps measured since seeding before the live error can call for a refit: hours, not one bad step. */
export const MIN_STEPS_FOR_EARLY_REFIT = 36;
/** Without a recorded fit, the error the forecaster was seeded with is taken to be this. */
const ASSUMED_SEEDED_MAPE = 0.15;

/** The live error above which `forecastDrift` calls for a refit. */
export function driftLevel(state: DemandForecast, settings: PredictiveSettings): number {
  return settings.refitAboveMape ?? Math.max(0.1, 2 * (state.fit?.heldOutMape ?? ASSUMED_SEEDED_MAPE));
}

/**
 * Why the forecaster should be refitted before its time, or undefined: over enough steps since it
 * was seeded, its live one-step error is above the level (`driftLevel`) — the group's demand no
 * longer looks like the history it was fitted on. Model monitoring for the forecaster.
 */
export function forecastDrift(state: DemandForecast, settings: PredictiveSettings): string | undefined {
  const level = driftLevel(state, settings);
  if (state.seededAt === undefined || state.measured < MIN_STEPS_FOR_EARLY_REFIT || state.mape === undefined)
    return undefined;
  if (state.mape <= level) return undefined;
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  return `live one-step error ${pct(state.mape)} over ${state.measured} steps is above ${pct(level)}`;
}

/**
 * A drifted forecaster with no history to refit on is kept, its live error measured afresh:
 * otherwise every run would end at once to ask for the refit again.
 */
export function keepDriftedForecast(state: DemandForecast, drift: string): DemandForecast {
  const kept: DemandForecast = {
    ...state,
    measured: 0,
    refitReason: `${drift}; no history to refit on, kept as it was`,
  };
  delete kept.mape;
  return kept;
}

export interface Smoothing {
  alpha: number;
  beta: number;
  gamma: number;
}

export interface SmoothingFit {
  smoothing: Smoothing;
  /** One-step MAPE on the history's last day, trained on the days before it. */
  heldOutMape: number;
  /** The baseline smoothing's on the same day: the fit is used only when it beats this. */
  defaultMape: number;
  /** The registry's demand-forecast version that was the baseline; absent: the shipped smoothing. */
  baselineVersion?: string;
}

/** The smoothing a group starts from before its own history is fitted: the registry's, else shipped. */
export interface SmoothingBaseline {
  smoothing: Smoothing;
  version: string;
}

/** Level and season responsiveness tried on a group's own history (trend stays slow). */
const SMOOTHING_GRID: Smoothing[] = [0.1, 0.3, 0.6].flatMap((alpha) =>
  [0.05, 0.2, 0.4].map((gamma) => ({ alpha, beta: DEFAULT_SMOOTHING.beta, gamma })),
);

/**
 * Mean one-step relative error of a forecaster with `smoothing` fed every one of `values`, counted on
 * the indices `judged` names once the forecaster is ready (two seasons), each error at most
 * `maxError`: the measure every smoothing is chosen by.
 */
export function oneStepMape(
  values: number[],
  seasonLength: number,
  smoothing: Smoothing,
  judged: { from: number; to?: number; maxError?: number },
): { mape: number; measured: number } {
  const forecaster = new HoltWinters({ seasonLength, ...smoothing });
  const to = judged.to ?? values.length;
  let error = 0;
  let measured = 0;
  values.forEach((value, i) => {
    if (i >= judged.from && i < to && forecaster.ready) {
      error += Math.min(judged.maxError ?? Infinity, relativeError(value, forecaster.forecast(1)));
      measured++;
    }
    forecaster.observe(value);
  });
  return { mape: measured ? error / measured : Infinity, measured };
}

const heldOutMape = (values: number[], seasonLength: number, smoothing: Smoothing) =>
  oneStepMape(values, seasonLength, smoothing, { from: values.length - seasonLength }).mape;

/**
 * Chooses the forecaster's smoothing on the group's own demand: every setting of a small grid is
 * trained on all but the last day and judged on that day (one-step MAPE); the best replaces the
 * baseline (the registry's active demand-forecast, else the shipped smoothing) only if it is better
 * there. Undefined with less than three days (two seed, one judges).
 */
export function fitSmoothing(
  values: number[],
  settings: PredictiveSettings,
  baseline?: SmoothingBaseline,
): SmoothingFit | undefined {
  const seasonLength = dailySeasonLength(settings.stepSeconds);
  if (values.length < 3 * seasonLength) return undefined;
  const start = baseline?.smoothing ?? DEFAULT_SMOOTHING;
  const defaultMape = heldOutMape(values, seasonLength, start);
  const best = SMOOTHING_GRID.map((smoothing) => ({
    smoothing,
    heldOutMape: heldOutMape(values, seasonLength, smoothing),
  })).reduce((a, b) => (b.heldOutMape < a.heldOutMape ? b : a));
  const version = baseline ? { baselineVersion: baseline.version } : {};
  return best.heldOutMape < defaultMape
    ? { ...best, defaultMape, ...version }
    : { smoothing: { ...start }, heldOutMape: defaultMape, defaultMape, ...version };
}

/** A gap longer than this is not filled: the forecaster restarts from history rather than invent a day. */
const MAX_FILLED_STEPS = 12;

export function newDemandForecast(
  settings: PredictiveSettings,
  smoothing: Smoothing = DEFAULT_SMOOTHING,
): DemandForecast {
  const forecaster = new HoltWinters({
    seasonLength: dailySeasonLength(settings.stepSeconds),
    ...smoothing,
  });
  return { forecaster: forecaster.snapshot(), stepSum: 0, stepCount: 0, measured: 0 };
}

/** Start (epoch ms) of the step `atMs` falls in. */
export const stepStartOf = (atMs: number, stepSeconds: number) =>
  Math.floor(atMs / (stepSeconds * 1000)) * stepSeconds * 1000;

/** A one-step forecast's error relative to what happened (demand below 1 counts as 1). */
const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(1, Math.abs(actual));

function completeStep(state: DemandForecast, forecaster: HoltWinters, demand: number): void {
  if (state.expected !== undefined && Number.isFinite(state.expected)) {
    const error = relativeError(demand, state.expected);
    state.mape = state.mape === undefined ? error : 0.9 * state.mape + 0.1 * error;
    state.measured++;
  }
  forecaster.observe(demand);
  state.lastDemand = demand;
  state.expected = forecaster.ready ? forecaster.forecast(1) : undefined;
}

/**
 * Seeds a forecast from a regular series of past step demands (oldest first), the last one complete,
 * with the smoothing that forecasts this group's own last day best (`fitSmoothing`).
 */
export function seedDemandForecast(
  settings: PredictiveSettings,
  history: { start: number; values: number[] },
  seededAt?: number,
  baseline?: SmoothingBaseline,
): DemandForecast {
  const fit = fitSmoothing(history.values, settings, baseline);
  const state = {
    ...newDemandForecast(settings, fit?.smoothing ?? baseline?.smoothing),
    ...(fit ? { fit } : {}),
  };
  const forecaster = HoltWinters.restore(state.forecaster);
  for (const value of history.values) completeStep(state, forecaster, value);
  state.forecaster = forecaster.snapshot();
  state.stepStart = history.values.length
    ? history.start + history.values.length * settings.stepSeconds * 1000
    : undefined;
  state.measured = 0;
  state.mape = undefined;
  return seededAt === undefined ? state : { ...state, seededAt };
}

/** Adds one observation of the group's demand at `atMs`; completes steps as time moves past them. */
export function observeDemand(
  state: DemandForecast,
  atMs: number,
  demand: number,
  settings: PredictiveSettings,
): DemandForecast {
  const next: DemandForecast = { ...state };
  const forecaster = HoltWinters.restore(state.forecaster);
  const step = stepStartOf(atMs, settings.stepSeconds);
  const stepMs = settings.stepSeconds * 1000;
  if (next.stepStart !== undefined && step > next.stepStart) {
    if (next.stepCount > 0) completeStep(next, forecaster, next.stepSum / next.stepCount);
    const missing = Math.round((step - next.stepStart) / stepMs) - 1;
    for (let i = 0; i < Math.min(missing, MAX_FILLED_STEPS); i++)
      completeStep(next, forecaster, next.lastDemand ?? demand);
    next.stepSum = 0;
    next.stepCount = 0;
  }
  if (next.stepStart === undefined || step > next.stepStart) next.stepStart = step;
  next.stepSum += demand;
  next.stepCount++;
  next.forecaster = forecaster.snapshot();
  return next;
}

export interface ForecastNeed {
  /** Instances the forecast needs at the target CPU by the time new ones would serve. */
  need: number;
  /** Highest expected demand over the boot time (instance-percent). */
  peak: number;
  /** The peak plus the error margin. */
  upper: number;
}

/** Undefined until the forecaster has seen two days. */
export function forecastNeed(
  state: DemandForecast,
  settings: PredictiveSettings,
  targetCpuPercent: number,
): ForecastNeed | undefined {
  const forecaster = HoltWinters.restore(state.forecaster);
  if (!forecaster.ready) return undefined;
  // Step 1 is the step being accumulated now; the boot time reaches this many steps beyond it.
  const steps = Math.ceil(settings.bootSeconds / settings.stepSeconds) + 1;
  let peak = 0;
  for (let s = 1; s <= steps; s++) peak = Math.max(peak, forecaster.forecast(s));
  const upper = peak + settings.errorMargin * forecaster.typicalError;
  return { need: Math.max(0, Math.ceil(upper / targetCpuPercent)), peak, upper };
}

/**
 * The reactive decision is the floor. The forecast may raise capacity ahead of demand (within the
 * maximum), and may hold capacity the reactive rule would release, but never scales in by itself.
 * The cool-down applies to both.
 */
export function decideWithForecast(
  current: number,
  reactive: ScalingDecision,
  forecast: ForecastNeed | undefined,
  policy: ReactiveScalingPolicy,
  coolingDown: boolean,
): ScalingDecision {
  if (!forecast || coolingDown) return reactive;
  const ahead = Math.min(policy.maxSize, forecast.need);
  const expected = `forecast peak ${forecast.peak.toFixed(0)} instance-% (upper ${forecast.upper.toFixed(0)}) needs ${forecast.need}`;
  if (ahead > Math.max(reactive.desired, current))
    return { desired: ahead, reason: `scaling ahead of demand: ${expected}; ${reactive.reason}` };
  if (reactive.desired < current && ahead > reactive.desired)
    return {
      desired: Math.min(current, ahead),
      reason: `holding capacity for the coming demand: ${expected}; ${reactive.reason}`,
    };
  return reactive;
}
