import { basename } from 'node:path';
import { medianStepSeconds, readTrace } from '../domain/scaling/demand-folder';
import type { Smoothing } from '../domain/scaling/live-forecast';
import { smoothingFrom } from '../domain/scaling/smoothing-training';
import {
  PredictiveScaling,
  simulate,
  TARGET_TRACKING_DEFAULTS,
  TargetTracking,
  type ServiceModel,
  type SimulationResult,
  type TracePoint,
} from '../domain/scaling/simulator';

/**
 * The predictive policy plans for 90 % utilisation because it does not need the reactive rule's
 * headroom for reaction time; its reactive floor tracks the same target. Chosen on the dev traces
 * (`make eval` prints the figures); see docs/decisions/0009.
 */
const PREDICTIVE_DEFAULTS = { targetUtilisation: 0.9, errorMargin: 1.1, agreedScaleInMinutes: 5 };
const PREDICTIVE_FLOOR = { ...TARGET_TRACKING_DEFAULTS, targetUtilisation: 0.9 };

export interface ScalingEvaluation {
  trace: string;
  capacityPerInstance: number;
  reactive: SimulationResult;
  predictive: SimulationResult;
}

export interface ScalingEvalOptions {
  bootDelayMinutes: number;
  /** The forecaster's smoothing (a `demand-forecast` version's); the shipped one when absent. */
  smoothing?: Smoothing;
  /** Demand one instance serves; by default the trace's 99th percentile / 20, so peaks need ~20 instances. */
  capacityPerInstance?: number;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function evaluateScaling(
  name: string,
  trace: TracePoint[],
  options: ScalingEvalOptions,
): ScalingEvaluation {
  const stepSeconds = medianStepSeconds(trace.map((p) => p.time));
  const capacityPerInstance =
    options.capacityPerInstance ??
    Math.max(
      1e-9,
      percentile(
        trace.map((p) => p.value),
        0.99,
      ) / 20,
    );
  const model: ServiceModel = {
    capacityPerInstance,
    bootDelayMinutes: options.bootDelayMinutes,
    minInstances: 1,
    maxInstances: 10_000,
  };
  return {
    trace: name,
    capacityPerInstance,
    reactive: simulate(trace, model, new TargetTracking(model)),
    predictive: simulate(
      trace,
      model,
      new PredictiveScaling(
        model,
        {
          stepSeconds,
          ...PREDICTIVE_DEFAULTS,
          ...(options.smoothing ? { smoothing: options.smoothing } : {}),
        },
        PREDICTIVE_FLOOR,
      ),
    ),
  };
}

export function evaluateScalingFiles(files: string[], options: ScalingEvalOptions): ScalingEvaluation[] {
  return files.map((f) => evaluateScaling(basename(f, '.csv'), readTrace(f), options));
}

export function scalingTotals(rows: ScalingEvaluation[]) {
  const sum = (pick: (r: ScalingEvaluation) => number) => rows.reduce((a, r) => a + pick(r), 0);
  const reactive = {
    violationMinutes: sum((r) => r.reactive.violationMinutes),
    instanceHours: sum((r) => r.reactive.instanceHours),
  };
  const predictive = {
    violationMinutes: sum((r) => r.predictive.violationMinutes),
    instanceHours: sum((r) => r.predictive.instanceHours),
  };
  return {
    reactive,
    predictive,
    // No share of nothing: with no violation minutes under target tracking there is no reduction to give.
    violationReduction:
      reactive.violationMinutes === 0 ? null : 1 - predictive.violationMinutes / reactive.violationMinutes,
    instanceHoursRatio: reactive.instanceHours === 0 ? 1 : predictive.instanceHours / reactive.instanceHours,
  };
}

export function formatScaling(rows: ScalingEvaluation[]): string {
  const header = `${'trace'.padEnd(26)} ${'policy'.padEnd(16)} ${'SLO-viol min'.padStart(12)} ${'inst-hours'.padStart(11)} ${'actions'.padStart(8)}`;
  const lines = [header];
  for (const r of rows)
    for (const s of [r.reactive, r.predictive])
      lines.push(
        `${(s === r.reactive ? r.trace : '').padEnd(26)} ${s.policy.padEnd(16)} ${String(s.violationMinutes).padStart(12)} ${s.instanceHours.toFixed(0).padStart(11)} ${String(s.scalingActions).padStart(8)}`,
      );
  const t = scalingTotals(rows);
  lines.push(
    `total: SLO-violation minutes ${t.reactive.violationMinutes} → ${t.predictive.violationMinutes} (${violationChange(t)}), instance-hours ×${t.instanceHoursRatio.toFixed(3)}`,
  );
  return lines.join('\n');
}

/** "52.4 % fewer", "12.0 % more", or in minutes when target tracking had none to compare with. */
function violationChange(t: ReturnType<typeof scalingTotals>): string {
  if (t.violationReduction === null)
    return t.predictive.violationMinutes === 0 ? 'none either way' : 'target tracking had none';
  const percent = (100 * Math.abs(t.violationReduction)).toFixed(1);
  return t.violationReduction >= 0 ? `${percent} % fewer` : `${percent} % more`;
}

/** `--smoothing 0.3,0,0.1` (α, β, γ, each in [0, 1]) → a smoothing; the message names the flag. */
export function parseSmoothing(spec: string): Smoothing {
  const parts = spec.split(',').map((p) => Number(p.trim()));
  const [alpha, beta, gamma] = parts;
  const smoothing = parts.length === 3 ? smoothingFrom({ alpha, beta, gamma }) : undefined;
  if (!smoothing)
    throw new Error(
      `--smoothing must be alpha,beta,gamma, each between 0 and 1 (e.g. 0.3,0,0.1), got "${spec}"`,
    );
  return smoothing;
}
