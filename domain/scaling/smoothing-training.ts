import { DEFAULT_SMOOTHING, dailySeasonLength } from './forecaster';
import { oneStepMape, type Smoothing } from './live-forecast';
import type { DemandTrace } from './demand-traces';

/**
 * The fleet-wide smoothing of the demand forecaster, as the model registry trains it: the setting
 * that forecasts many kinds of demand best one step ahead. A group still fits its own on its
 * history (`fitSmoothing`); this is what it starts from and must beat.
 */

/** Wider than a group's own grid: the registry has many traces to tell settings apart. */
export const TRAINING_GRID: Smoothing[] = [0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8].flatMap((alpha) =>
  [0, 0.002, 0.01].flatMap((beta) => [0.05, 0.1, 0.2, 0.3, 0.5].map((gamma) => ({ alpha, beta, gamma }))),
);

/**
 * Which steps of a trace judge: all of it (generated traces, a fresh draw for each side), or, for real
 * traces that both train and judge, the first two thirds for training and the last third — the
 * future the trained setting has not seen — for the held-out score.
 */
export type TracePart = 'all' | 'earlier' | 'later';

function judgedSteps(trace: DemandTrace, part: TracePart): { from: number; to?: number } {
  const split = Math.floor((2 * trace.values.length) / 3);
  if (part === 'later') return { from: split };
  return part === 'earlier' ? { from: 0, to: split } : { from: 0 };
}

/**
 * A forecast off by more than the demand itself counts as wholly wrong, no worse: near-zero demand
 * (a quiet hour of a small service) would otherwise outweigh every busy hour.
 */
const MAX_STEP_ERROR = 1;

/** One minus the mean one-step relative error over the judged steps of `traces` (higher is better). */
export function forecastAccuracy(
  smoothing: Smoothing,
  traces: DemandTrace[],
  part: TracePart = 'all',
): number {
  let error = 0;
  let measured = 0;
  for (const trace of traces) {
    const seasonLength = dailySeasonLength(trace.stepSeconds);
    const judged = oneStepMape(trace.values, seasonLength, smoothing, {
      ...judgedSteps(trace, part),
      maxError: MAX_STEP_ERROR,
    });
    if (judged.measured === 0) continue;
    error += judged.mape * judged.measured;
    measured += judged.measured;
  }
  return measured ? 1 - error / measured : 0;
}

/** The grid's most accurate setting on `traces` (the shipped smoothing when none is better). */
export function trainSmoothing(
  traces: DemandTrace[],
  progress: (fraction: number) => void,
  part: TracePart = 'all',
): Smoothing {
  let best: { smoothing: Smoothing; accuracy: number } = {
    smoothing: { ...DEFAULT_SMOOTHING },
    accuracy: forecastAccuracy(DEFAULT_SMOOTHING, traces, part),
  };
  TRAINING_GRID.forEach((smoothing, i) => {
    const accuracy = forecastAccuracy(smoothing, traces, part);
    if (accuracy > best.accuracy) best = { smoothing, accuracy };
    progress((i + 1) / TRAINING_GRID.length);
  });
  return best.smoothing;
}

const inUnit = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 1;

/** A stored version's parameters as a smoothing, or undefined when they are not one. */
export function smoothingFrom(parameters: unknown): Smoothing | undefined {
  const p = parameters as Partial<Smoothing> | null;
  return p && inUnit(p.alpha) && inUnit(p.beta) && inUnit(p.gamma)
    ? { alpha: p.alpha, beta: p.beta, gamma: p.gamma }
    : undefined;
}
