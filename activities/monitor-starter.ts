import { Client, Connection } from '@temporalio/client';
import { dataConverterFromConfig } from '../codec';
import { TASK_QUEUES, type MedicConfig } from '../domain/config';
import { fleetMonitorWorkflowId } from '../domain/ids';
import type { fleetMonitorWorkflow } from '../workflows/fleet-monitor';

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

/** Connects with this process's configuration, starts (or keeps) the fleet's loop, disconnects. */
export async function startMonitorFromConfig(config: MedicConfig, fleet: string): Promise<string> {
  const connection = await Connection.connect({ address: config.temporalAddress });
  try {
    const client = new Client({
      connection,
      namespace: config.temporalNamespace,
      dataConverter: dataConverterFromConfig(config),
    });
    return await startMonitor(client, fleet, config.detectionIntervalSeconds);
  } finally {
    await connection.close();
  }
}
