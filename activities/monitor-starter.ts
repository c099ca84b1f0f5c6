import type { Client } from '@temporalio/client';
import { TASK_QUEUES, type MedicConfig } from '../domain/config';
import { fleetMonitorWorkflowId } from '../domain/ids';
import type { fleetMonitorWorkflow } from '../workflows/fleet-monitor';
import { stopMonitoringSignal } from '../workflows/messages';
import { runningMonitorRuns } from './monitor-reader';
import { withTemporal } from '../workers/temporal-client';

/** Starts the detection loop of a fleet, or leaves the running one alone: one loop per fleet. */
export async function startMonitor(client: Client, fleet: string, intervalSeconds: number): Promise<string> {
  const handle = await client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
    workflowId: fleetMonitorWorkflowId(fleet),
    taskQueue: TASK_QUEUES.monitoring,
    args: [{ fleet, intervalSeconds }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return handle.workflowId;
}

/**
 * Connects with this process's configuration, starts (or keeps) the fleet's loop, disconnects.
 * `stopEarlier` (a fleet-name prefix such as `demo-`) also stops the loops of earlier runs' fleets.
 */
export async function startMonitorFromConfig(
  config: MedicConfig,
  fleet: string,
  options: { stopEarlier?: string } = {},
): Promise<string> {
  return withTemporal(config, async (client) => {
    const id = await startMonitor(client, fleet, config.detectionIntervalSeconds);
    if (options.stopEarlier) await stopEarlierMonitors(client, options.stopEarlier, fleet);
    return id;
  });
}

/** Asks a fleet's loop to finish its current poll and stop. */
export async function stopMonitor(client: Client, fleet: string): Promise<void> {
  await client.workflow.getHandle(fleetMonitorWorkflowId(fleet)).signal(stopMonitoringSignal);
}

/**
 * Stops the loops of earlier demo or bench fleets (names starting with `prefix`), keeping `keep`.
 * Each run makes a fresh fleet; without this their loops would poll forever and load the emulator.
 */
export async function stopEarlierMonitors(client: Client, prefix: string, keep?: string): Promise<string[]> {
  const stopped: string[] = [];
  for await (const { fleet } of runningMonitorRuns(client)) {
    if (!fleet.startsWith(prefix) || fleet === keep) continue;
    await stopMonitor(client, fleet);
    stopped.push(fleet);
  }
  return stopped;
}
