import type { Client } from '@temporalio/client';
import { StreamingDetector } from '../domain/anomaly/detector';
import { detectorKeyOf, detectorKeyParts, type DetectorState } from '../domain/detection';
import {
  metricName,
  type MonitoredDetector,
  type MonitoredMetric,
  type RunningMonitor,
  type WatchedSeries,
} from '../domain/monitor-view';
import { fleetMonitorWorkflowId } from '../domain/ids';
import { carriedDetectorsQuery, detectorStateQuery, flowLogProblemQuery } from '../workflows/fleet-monitor';

export type { MonitoredDetector, MonitoredMetric, RunningMonitor, WatchedSeries };

/** More running monitors than this on one Temporal namespace is not a console's list any more. */
export const MAX_LISTED_MONITORS = 100;
/** A monitor whose worker is down would hold a query until Temporal's own deadline. */
export const MONITOR_QUERY_TIMEOUT_MS = 5000;

/** The monitor's workflow did not answer a query in time: its worker is down or stuck. */
export class MonitorUnresponsiveError extends Error {
  override readonly name = 'MonitorUnresponsiveError';
  constructor(readonly fleet: string) {
    super(
      `the monitor of fleet ${fleet} did not answer in ${MONITOR_QUERY_TIMEOUT_MS / 1000} s (is its worker running?)`,
    );
  }
}

/**
 * Runs a query to a monitor, abandoned after `MONITOR_QUERY_TIMEOUT_MS`: aborted, not just raced, so
 * the client's own retries of an unanswered query do not go on after the caller has given up.
 */
async function answered<T>(client: Client, fleet: string, query: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), MONITOR_QUERY_TIMEOUT_MS);
  try {
    return await client.withAbortSignal(controller.signal, query);
  } catch (err) {
    if (controller.signal.aborted) throw new MonitorUnresponsiveError(fleet);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The fleet monitor's detector for one instance's metric, as it takes the usual to be; none if it has none. */
export async function monitoredDetector(
  client: Client,
  fleet: string,
  instanceId: string,
  metric: MonitoredMetric,
): Promise<MonitoredDetector | undefined> {
  const handle = client.workflow.getHandle(fleetMonitorWorkflowId(fleet));
  const state: DetectorState | null = await answered(client, fleet, () =>
    handle.query(detectorStateQuery, detectorKeyOf(instanceId, metric)),
  );
  if (!state) return undefined;
  const view = StreamingDetector.restore(state.snapshot).describe();
  return {
    fleet,
    instanceId,
    metric,
    fedUpTo: state.fedUpTo,
    ...view,
    ...(state.inherited ? { inherited: state.inherited } : {}),
  };
}

/** Why there is no detector to show: the same sentence in the CLI and the API. */
export const noDetectorReason = (fleet: string, instanceId: string, metric: MonitoredMetric) =>
  `the monitor of fleet ${fleet} has no ${metricName(metric)} detector for ${instanceId} (not in the fleet, or no datapoints yet)`;

/** The fleet monitors Temporal's visibility lists as running: each one's fleet and its run's start. */
export async function* runningMonitorRuns(
  client: Client,
): AsyncGenerator<{ fleet: string; runStartedAt: string }> {
  const query = `WorkflowType = 'fleetMonitorWorkflow' AND ExecutionStatus = 'Running'`;
  for await (const info of client.workflow.list({ query }))
    yield {
      fleet: info.workflowId.slice(fleetMonitorWorkflowId('').length),
      runStartedAt: info.startTime.toISOString(),
    };
}

/**
 * The running fleet monitors (from Temporal visibility), each with the series it watches, by fleet
 * name; with `fleetSize`, each with how many instances its fleet lists now (left out when that read fails).
 */
export async function runningMonitors(
  client: Client,
  fleetSize?: (fleet: string) => Promise<number>,
): Promise<RunningMonitor[]> {
  const found: { fleet: string; runStartedAt: string }[] = [];
  for await (const run of runningMonitorRuns(client)) {
    found.push(run);
    if (found.length >= MAX_LISTED_MONITORS) break;
  }
  const monitors = await Promise.all(
    found.map(async ({ fleet, runStartedAt }): Promise<RunningMonitor> => {
      const handle = client.workflow.getHandle(fleetMonitorWorkflowId(fleet));
      // The monitor's answer and the fleet's listing are independent: asked together.
      const [carried, instancesInFleet, flowLogProblem] = await Promise.all([
        answered(client, fleet, () => handle.query(carriedDetectorsQuery)).catch(() => null),
        fleetSize?.(fleet).catch(() => undefined),
        // A monitor from before the query existed does not know it: nothing to say then.
        answered(client, fleet, () => handle.query(flowLogProblemQuery)).catch(() => null),
      ]);
      const series = carried?.map(({ key, points, fedUpTo }) => ({
        ...detectorKeyParts(key),
        points,
        fedUpTo,
      }));
      return {
        fleet,
        runStartedAt,
        series: series ?? null,
        ...(instancesInFleet === undefined ? {} : { instancesInFleet }),
        ...(flowLogProblem ? { flowLogProblem } : {}),
      };
    }),
  );
  return monitors.sort((a, b) => a.fleet.localeCompare(b.fleet));
}
