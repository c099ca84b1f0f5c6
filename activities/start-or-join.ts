import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Alert } from '../domain/incident';
import { alertSignal } from '../workflows/messages';

export interface IncidentStart {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  searchAttributes: SearchAttributePair[];
}

/**
 * Starts an incident workflow, or, when one with this id is open, records the new sighting on it as
 * an alert signal: one incident per business id however often the finding repeats. The id is
 * reused once the incident has closed.
 */
export async function startOrJoinIncident(
  client: Client,
  start: IncidentStart,
  sighting: Omit<Alert, 'at'>,
): Promise<{ incidentId: string; created: boolean }> {
  try {
    await client.workflow.start(start.workflowType, {
      workflowId: start.workflowId,
      taskQueue: start.taskQueue,
      args: start.args,
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: start.searchAttributes,
    });
    return { incidentId: start.workflowId, created: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await client.workflow
      .getHandle(start.workflowId)
      .signal(alertSignal, { ...sighting, at: new Date().toISOString() });
    return { incidentId: start.workflowId, created: false };
  }
}
