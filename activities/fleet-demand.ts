import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Client } from '@temporalio/client';
import type { DemandTrace } from '../domain/scaling/demand-traces';
import { readDemandHistory } from './scaling';
import { runningScalingAgents } from './scaling-agents';

/** `MEDIC_DEMAND_DATASET=fleet`: the demand of the groups cloud-medic scales, from CloudWatch. */
export const FLEET_DEMAND = 'fleet';

/** How far back each group's demand is read: two weeks hold both kinds of day twice. */
const FLEET_DEMAND_DAYS = 14;
/** The step the scaling agents forecast at by default (`DEFAULT_PREDICTIVE`). */
const DEFAULT_STEP_SECONDS = 300;
/**
 * Two days seed the forecaster and the last third of a trace judges it: with less than four days
 * the first two thirds hold no step to train on.
 */
export const MIN_DEMAND_DAYS = 4;

export interface FleetDemand {
  dataset: string;
  demandTraces: (DemandTrace & { name: string })[];
  /** Groups left out for too little history, with the days they have. */
  tooShort: { group: string; days: number }[];
}

/**
 * The demand history of every group a scaling agent runs for (its running workflows name them), each
 * read as the agent reads its own: average CPU × instances in service, one value per step of its
 * forecaster (its state says which; five minutes for an agent without one yet).
 */
export async function fleetDemandTraces(
  temporal: Client,
  autoscaling: AutoScalingClient,
  cloudwatch: CloudWatchClient,
  progress: (detail: string) => void = () => undefined,
): Promise<FleetDemand> {
  // An agent that does not answer is read at the default step, as it would forecast by default.
  const groups = (await runningScalingAgents(temporal)).map(({ group, state }) => ({
    group,
    stepSeconds: state?.forecast?.stepSeconds ?? DEFAULT_STEP_SECONDS,
  }));
  const daysOf = (values: number, stepSeconds: number) => (values * stepSeconds) / 86_400;
  const demandTraces: FleetDemand['demandTraces'] = [];
  const tooShort: FleetDemand['tooShort'] = [];
  groups.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  for (const [n, { group, stepSeconds }] of groups.entries()) {
    progress(`reading ${group}'s demand (${n + 1} of ${groups.length} groups)`);
    const history = await readDemandHistory(autoscaling, cloudwatch, {
      name: group,
      days: FLEET_DEMAND_DAYS,
      stepSeconds,
    });
    const days = daysOf(history?.values.length ?? 0, stepSeconds);
    if (history && days >= MIN_DEMAND_DAYS)
      demandTraces.push({ name: group, stepSeconds, values: history.values, startMs: history.start });
    else tooShort.push({ group, days });
  }
  const read = demandTraces.reduce((sum, t) => sum + daysOf(t.values.length, t.stepSeconds), 0);
  return {
    dataset: `fleet (${demandTraces.length} group${demandTraces.length === 1 ? '' : 's'}, ${read.toFixed(1)} days of demand)`,
    demandTraces,
    tooShort,
  };
}
