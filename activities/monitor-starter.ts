import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '../domain/config';
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
