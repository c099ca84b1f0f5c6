import { dailySeasonLength, DEFAULT_SMOOTHING, HoltWinters } from './forecaster';

/**
 * A minute-by-minute simulation of one Auto Scaling group serving a demand trace: launched instances
 * serve after a boot delay, a minute is an SLO violation when demand exceeds the in-service
 * capacity, and the policy sees the demand only after it happened (one-minute metrics).
 */

export interface ServiceModel {
  /** Demand one instance can serve (trace units). */
  capacityPerInstance: number;
  bootDelayMinutes: number;
  minInstances: number;
  maxInstances: number;
}

export interface TracePoint {
  /** Seconds since the epoch. */
  time: number;
  value: number;
}

export interface GroupView {
  minute: number;
  /** Demand of the last completed minute, as a one-minute metric reports it. */
  lastMinuteDemand: number;
  inService: number;
  /** In service plus booting: what the group's desired capacity already asks for. */
  desired: number;
}

export interface ScalingPolicy {
  readonly name: string;
  /** Called once for every trace point, as soon as its time has passed. */
  observePoint(value: number): void;
  /** Desired capacity for this minute. */
  decide(view: GroupView): number;
}

export interface SimulationResult {
  policy: string;
  violationMinutes: number;
  instanceHours: number;
  scalingActions: number;
  minutes: number;
}

export interface TargetTrackingOptions {
  targetUtilisation: number;
  /** Consecutive minutes above target before scaling out (CloudWatch: 3 datapoints). */
  scaleOutMinutes: number;
  /** Consecutive minutes below 90 % of target before scaling in (CloudWatch: 15 datapoints). */
  scaleInMinutes: number;
  /** Minutes after any scaling before the group may scale in. */
  scaleInCooldownMinutes: number;
}

export const TARGET_TRACKING_DEFAULTS: TargetTrackingOptions = {
  targetUtilisation: 0.7,
  scaleOutMinutes: 3,
  scaleInMinutes: 15,
  scaleInCooldownMinutes: 5,
};

/** Reactive target tracking as EC2 Auto Scaling does it: out fast, in slowly. */
export class TargetTracking implements ScalingPolicy {
  readonly name: string = 'target tracking';
  private above = 0;
  private below = 0;
  private lastScaling = -Infinity;

  constructor(
    private readonly model: ServiceModel,
    private readonly options: TargetTrackingOptions = TARGET_TRACKING_DEFAULTS,
  ) {}

  observePoint(): void {}

  decide(view: GroupView): number {
    const { targetUtilisation: target } = this.options;
    const utilisation =
      view.lastMinuteDemand / (Math.max(1, view.inService) * this.model.capacityPerInstance);
    const needed = Math.ceil(view.lastMinuteDemand / (this.model.capacityPerInstance * target));
    this.above = utilisation > target ? this.above + 1 : 0;
    this.below = utilisation < 0.9 * target ? this.below + 1 : 0;
    let desired = view.desired;
    if (this.above >= this.options.scaleOutMinutes && needed > view.desired) desired = needed;
    else if (
      this.below >= this.options.scaleInMinutes &&
      view.minute - this.lastScaling >= this.options.scaleInCooldownMinutes &&
      needed < view.desired
    )
      desired = needed;
    if (desired !== view.desired) this.lastScaling = view.minute;
    return desired;
  }
}

export interface PredictiveOptions {
  /** Seconds between trace points (sets the daily season length). */
  stepSeconds: number;
  /** Utilisation the forecast plans for. */
  targetUtilisation: number;
  /** Extra headroom in multiples of the forecaster's typical one-step error. */
  errorMargin: number;
  /**
   * Consecutive minutes below 90 % of target after which the group scales in when the forecast
   * agrees; the reactive rule alone waits longer.
   */
  agreedScaleInMinutes: number;
  smoothing?: { alpha: number; beta: number; gamma: number };
}

/**
 * Scales ahead of demand from a Holt-Winters forecast over the boot delay plus one trace step,
 * with reactive target tracking as the floor. The forecast only raises capacity; scaling in is
 * left to the reactive rule, and never below what the forecast needs.
 */
export class PredictiveScaling implements ScalingPolicy {
  readonly name = 'predictive';
  private readonly forecaster: HoltWinters;
  private readonly reactive: TargetTracking;
  /** Until the forecaster has seen two days, the group is plain target tracking. */
  private readonly untilForecastReady: TargetTracking;
  private forecastNeed = 0;
  private forecastUpper = Infinity;
  private below = 0;

  constructor(
    private readonly model: ServiceModel,
    private readonly options: PredictiveOptions,
    reactiveOptions: TargetTrackingOptions = TARGET_TRACKING_DEFAULTS,
  ) {
    this.forecaster = new HoltWinters({
      seasonLength: dailySeasonLength(options.stepSeconds),
      ...(options.smoothing ?? DEFAULT_SMOOTHING),
    });
    this.reactive = new TargetTracking(model, reactiveOptions);
    this.untilForecastReady = new TargetTracking(model);
  }

  observePoint(value: number): void {
    this.forecaster.observe(value);
    if (!this.forecaster.ready) return;
    const horizonSteps = Math.ceil((this.model.bootDelayMinutes * 60) / this.options.stepSeconds) + 1;
    let peak = 0;
    for (let s = 1; s <= horizonSteps; s++) peak = Math.max(peak, this.forecaster.forecast(s));
    const upper = peak + this.options.errorMargin * this.forecaster.typicalError;
    this.forecastUpper = upper;
    this.forecastNeed = Math.ceil(upper / (this.model.capacityPerInstance * this.options.targetUtilisation));
  }

  decide(view: GroupView): number {
    const reactive = this.reactive.decide(view);
    const plain = this.untilForecastReady.decide(view);
    if (!this.forecaster.ready) return plain;
    const target = this.options.targetUtilisation;
    const capacity = this.model.capacityPerInstance;
    const utilisation = view.lastMinuteDemand / (Math.max(1, view.inService) * capacity);
    this.below = utilisation < 0.9 * target ? this.below + 1 : 0;
    const needed = Math.ceil(view.lastMinuteDemand / (capacity * target));
    // Demand above the forecast's upper bound means the forecast missed: act on the first datapoint.
    if (view.lastMinuteDemand > this.forecastUpper && needed > view.desired)
      return Math.max(needed, reactive);
    // Observed load and forecast both low: scale in without waiting for the reactive rule.
    if (this.below >= this.options.agreedScaleInMinutes && this.forecastNeed < view.desired)
      return Math.max(needed, this.forecastNeed, Math.min(reactive, view.desired));
    if (reactive < view.desired) return Math.max(reactive, Math.min(view.desired, this.forecastNeed));
    return Math.max(reactive, this.forecastNeed);
  }
}

/** Demand at minute m, linearly interpolated between trace points. */
function demandAt(trace: TracePoint[], start: number, minute: number, cursor: { i: number }): number {
  const t = start + minute * 60;
  while (cursor.i < trace.length - 2 && (trace[cursor.i + 1]?.time ?? Infinity) <= t) cursor.i++;
  const a = trace[cursor.i];
  const b = trace[cursor.i + 1] ?? a;
  if (!a || !b || b.time === a.time) return a?.value ?? 0;
  const f = Math.min(1, Math.max(0, (t - a.time) / (b.time - a.time)));
  return a.value + f * (b.value - a.value);
}

export function simulate(trace: TracePoint[], model: ServiceModel, policy: ScalingPolicy): SimulationResult {
  if (trace.length < 2) throw new RangeError('a demand trace needs at least two points');
  const start = trace[0]?.time ?? 0;
  const minutes = Math.floor(((trace[trace.length - 1]?.time ?? start) - start) / 60);
  const clamp = (n: number) => Math.min(model.maxInstances, Math.max(model.minInstances, n));
  const cursor = { i: 0 };
  let nextPoint = 0;
  // Instances by the minute they become in service; the first ones are already warm.
  const initial = clamp(Math.ceil((trace[0]?.value ?? 0) / model.capacityPerInstance / 0.7));
  let readyAt: number[] = new Array<number>(initial).fill(0);
  let lastDemand = trace[0]?.value ?? 0;
  let violationMinutes = 0;
  let instanceMinutes = 0;
  let scalingActions = 0;
  for (let minute = 0; minute < minutes; minute++) {
    const now = start + minute * 60;
    while (nextPoint < trace.length && (trace[nextPoint]?.time ?? Infinity) <= now) {
      policy.observePoint(trace[nextPoint]?.value ?? 0);
      nextPoint++;
    }
    const inService = readyAt.filter((r) => r <= minute).length;
    const desired = clamp(
      Math.round(policy.decide({ minute, lastMinuteDemand: lastDemand, inService, desired: readyAt.length })),
    );
    if (desired > readyAt.length) {
      readyAt = [
        ...readyAt,
        ...new Array<number>(desired - readyAt.length).fill(minute + model.bootDelayMinutes),
      ];
      scalingActions++;
    } else if (desired < readyAt.length) {
      // Scale in removes booting instances first, then the newest in service.
      readyAt = [...readyAt].sort((a, b) => a - b).slice(0, desired);
      scalingActions++;
    }
    const demand = demandAt(trace, start, minute, cursor);
    const serving = readyAt.filter((r) => r <= minute).length;
    if (demand > serving * model.capacityPerInstance) violationMinutes++;
    instanceMinutes += readyAt.length;
    lastDemand = demand;
  }
  return {
    policy: policy.name,
    violationMinutes,
    instanceHours: instanceMinutes / 60,
    scalingActions,
    minutes,
  };
}
