import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Client } from '@temporalio/client';
import { RUNNING_SCALING_AGENTS, scalingAgentWorkflowId } from '../domain/ids';
import type { DemandTrace } from '../domain/scaling/demand-traces';
import { readDemandHistory } from './scaling';

/** `MEDIC_DEMAND_DATASET=fleet`: the demand of the groups cloud-medic scales, from CloudWatch. */
export const FLEET_DEMAND = 'fleet';

/** How far back each group's demand is read: two weeks hold both kinds of day twice. */
const FLEET_DEMAND_DAYS = 14;
/** The step the scaling agents forecast at by default (`DEFAULT_PREDICTIVE`). */
const STEP_SECONDS = 300;
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
 * read as the agent reads its own: average CPU × instances in service, one value per five minutes.
 */
export async function fleetDemandTraces(
  temporal: Client,
  autoscaling: AutoScalingClient,
  cloudwatch: CloudWatchClient,
  progress: (detail: string) => void = () => undefined,
): Promise<FleetDemand> {
  const prefix = scalingAgentWorkflowId('');
  const groups: string[] = [];
  for await (const execution of temporal.workflow.list({
    query: RUNNING_SCALING_AGENTS,
  }))
    if (execution.workflowId.startsWith(prefix)) groups.push(execution.workflowId.slice(prefix.length));
  const perDay = 86_400 / STEP_SECONDS;
  const demandTraces: FleetDemand['demandTraces'] = [];
  const tooShort: FleetDemand['tooShort'] = [];
  for (const [n, group] of groups.sort().entries()) {
    progress(`reading ${group}'s demand (${n + 1} of ${groups.length} groups)`);
    const history = await readDemandHistory(autoscaling, cloudwatch, {
      name: group,
      days: FLEET_DEMAND_DAYS,
      stepSeconds: STEP_SECONDS,
    });
    const days = (history?.values.length ?? 0) / perDay;
    if (history && days >= MIN_DEMAND_DAYS)
      demandTraces.push({ name: group, stepSeconds: STEP_SECONDS, values: history.values });
    else tooShort.push({ group, days });
  }
  const read = demandTraces.reduce((sum, t) => sum + t.values.length, 0) / perDay;
  return {
    dataset: `fleet (${demandTraces.length} group${demandTraces.length === 1 ? '' : 's'}, ${read.toFixed(1)} days of demand)`,
    demandTraces,
    tooShort,
  };
}
