import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { decideCapacity, type ReactiveScalingPolicy } from '../domain/scaling/reactive';
import {
  decideWithForecast,
  forecastDrift,
  forecastNeed,
  keepDriftedForecast,
  observeDemand,
  refitDue,
  seedDemandForecast,
  newDemandForecast,
  type DemandForecast,
  type ForecastNeed,
  type PredictiveSettings,
  type SmoothingFit,
} from '../domain/scaling/live-forecast';

export interface ScalingAgentInput {
  group: string;
  policy: ReactiveScalingPolicy;
  intervalSeconds: number;
  /** Carried across continue-as-new. */
  lastChangeAt?: number;
  actions?: ScalingAction[];
  /** Predictive scaling (decision 0037): a daily demand forecast raises the reactive floor. */
  predictive?: PredictiveSettings;
  /** Carried across continue-as-new. */
  forecast?: DemandForecast;
  /** Polls before continue-as-new; default 500. */
  pollsPerRun?: number;
}

/** How many days of CloudWatch history seed the forecaster when the agent starts. */
const HISTORY_DAYS = 3;

export interface ForecastView extends Partial<ForecastNeed> {
  ready: boolean;
  /** Live one-step forecast error (mean absolute percentage), once measured. */
  mape?: number;
  measuredSteps: number;
  /** The smoothing chosen on the group's own history, with its held-out error and the default's. */
  fit?: SmoothingFit;
  /** When history last seeded (or refitted) the forecaster. */
  seededAt?: string;
  /** Why that refit came early (the live error had drifted above its level). */
  refitReason?: string;
  /** The step the forecaster works at: its demand history is read at this step (decision 0054). */
  stepSeconds?: number;
}

export interface ScalingAction {
  at: string;
  from: number;
  to: number;
  reason: string;
}

export interface ScalingState {
  group: string;
  actions: ScalingAction[];
  /** The last decision's reason. */
  last?: string;
  forecast?: ForecastView;
}

export const scalingStateQuery = defineQuery<ScalingState>('scalingState');
export const stopScalingSignal = defineSignal('stopScaling');

const agent = proxyActivities<MedicActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '20 seconds',
    nonRetryableErrorTypes: ['GroupNotFound'],
  },
});

const POLLS_PER_RUN = 500;

/**
 * The scaling agent for one Auto Scaling group: reactive target tracking on the group's CPU, bounded
 * by min/max, with a cool-down after every change. With `predictive`, a daily demand forecast
 * (seeded from CloudWatch history) scales out ahead of demand and holds capacity it will need; it
 * never scales in by itself. Each change is recorded (queryable), with its reason.
 */
export async function scalingAgentWorkflow(input: ScalingAgentInput): Promise<{ actions: ScalingAction[] }> {
  const nowMs = () => new Date().getTime();
  let lastChangeAt = input.lastChangeAt ?? 0;
  const actions = input.actions ?? [];
  let last: string | undefined;
  let stopping = false;
  const settings = input.predictive;
  let forecast = input.forecast;
  let view: ForecastView | undefined;
  // Seeded when the agent starts, and refitted on the latest history at the first run after
  // `refitHours` (continue-as-new comes every few hours), so the smoothing follows the group's demand;
  // sooner when its live error shows the demand has drifted (a run ends early for that).
  const drift =
    settings && forecast && patched('refit-on-forecast-drift')
      ? forecastDrift(forecast, settings)
      : undefined;
  const refit =
    settings &&
    forecast &&
    patched('refit-demand-forecast') &&
    (refitDue(forecast, settings, nowMs()) || drift !== undefined);
  if (settings && (!forecast || refit)) {
    const history = await agent.demandHistory({
      name: input.group,
      days: HISTORY_DAYS,
      stepSeconds: settings.stepSeconds,
    });
    // The registry's smoothing (decision 0054) is what the group's own fit must beat.
    const baseline = patched('registry-demand-forecast') ? await agent.activeDemandForecast() : undefined;
    const seededAt = patched('refit-demand-forecast') ? nowMs() : undefined;
    if (history)
      forecast = {
        ...seedDemandForecast(settings, history, seededAt, baseline),
        ...(drift ? { refitReason: drift } : {}),
      };
    else if (forecast && drift) forecast = keepDriftedForecast(forecast, drift);
    else forecast ??= newDemandForecast(settings, baseline?.smoothing);
  }
  setHandler(scalingStateQuery, () => ({ group: input.group, actions, last, forecast: view }));
  setHandler(stopScalingSignal, () => {
    stopping = true;
  });
  for (
    let poll = 0;
    poll < (input.pollsPerRun ?? POLLS_PER_RUN) && !stopping && !workflowInfo().continueAsNewSuggested;
    poll++
  ) {
    const group = await agent.observeGroup({
      name: input.group,
      lookbackSeconds: 3 * input.intervalSeconds,
      periodSeconds: input.intervalSeconds,
    });
    const policy = {
      ...input.policy,
      minSize: Math.max(input.policy.minSize, group.minSize),
      maxSize: Math.min(input.policy.maxSize, group.maxSize),
    };
    let need: ForecastNeed | undefined;
    if (settings && forecast) {
      const measuredBefore = forecast.measured;
      if (group.averageCpu !== undefined)
        forecast = observeDemand(forecast, nowMs(), group.averageCpu * group.inService, settings);
      if (forecast.measured > measuredBefore && forecast.mape !== undefined)
        await agent.recordForecastQuality({
          group: input.group,
          mape: forecast.mape,
          steps: forecast.measured,
        });
      // Drifted: end this run now, so the next one starts with a refit.
      if (patched('refit-on-forecast-drift') && forecastDrift(forecast, settings)) break;
      need = forecastNeed(forecast, settings, policy.targetCpuPercent);
      view = {
        ready: need !== undefined,
        ...need,
        mape: forecast.mape,
        measuredSteps: forecast.measured,
        ...(forecast.fit ? { fit: forecast.fit } : {}),
        ...(forecast.seededAt ? { seededAt: new Date(forecast.seededAt).toISOString() } : {}),
        ...(forecast.refitReason ? { refitReason: forecast.refitReason } : {}),
        // Only the query's answer: nothing in the history depends on it.
        stepSeconds: settings.stepSeconds,
      };
    }
    if (group.averageCpu !== undefined) {
      const sinceChange = (nowMs() - lastChangeAt) / 1000;
      const decision = decideWithForecast(
        group.desired,
        decideCapacity(group.desired, group.averageCpu, policy, sinceChange),
        need,
        policy,
        sinceChange < policy.cooldownSeconds,
      );
      last = decision.reason;
      if (decision.desired !== group.desired) {
        const result = await agent.setGroupCapacity({ name: input.group, desired: decision.desired });
        lastChangeAt = nowMs();
        actions.push({
          at: new Date(lastChangeAt).toISOString(),
          from: result.from,
          to: decision.desired,
          reason: decision.reason,
        });
        if (actions.length > 100) actions.shift();
      }
    }
    await condition(() => stopping, `${input.intervalSeconds} seconds`);
  }
  if (stopping) return { actions };
  return continueAsNew<typeof scalingAgentWorkflow>({ ...input, lastChangeAt, actions, forecast });
}
