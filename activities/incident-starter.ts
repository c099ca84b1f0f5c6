import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TASK_QUEUES } from '../domain/config';
import { incidentWorkflowId } from '../domain/ids';
import type { IncidentRequest } from '../domain/incident';
import { alertSignal } from '../workflows/messages';
import { incidentStartAttributes } from '../workflows/search-attributes';
import type { incidentWorkflow } from '../workflows/incident';

export interface OpenedIncident {
  incidentId: string;
  runId: string;
  /** false when the alert joined an incident that was already open. */
  created: boolean;
}

/**
 * Opens the incident for a resource+kind, or adds the alert to the one already open. Starting
 * with a FAIL conflict policy tells us which case we are in; if the open incident closes between
 * the start and the signal, we try once more and open a new one.
 */
export async function openOrJoinIncident(
  client: Client,
  request: IncidentRequest,
  /** Identical alerts this call stands for (an ingestion batch groups them): one signal, not n. */
  alertCount = 1,
): Promise<OpenedIncident> {
  const incidentId = incidentWorkflowId(request.resourceId, request.kind);
  const alert = {
    source: request.source ?? 'api',
    summary: request.summary ?? `${request.kind} on ${request.resourceId}`,
    at: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        workflowId: incidentId,
        taskQueue: TASK_QUEUES.healing,
        args: [request],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: incidentStartAttributes(request),
      });
      if (alertCount > 1) await handle.signal(alertSignal, { ...alert, count: alertCount - 1 });
      return { incidentId, runId: handle.firstExecutionRunId, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    try {
      const handle = client.workflow.getHandle(incidentId);
      await handle.signal(alertSignal, alertCount > 1 ? { ...alert, count: alertCount } : alert);
      const description = await handle.describe();
      return { incidentId, runId: description.runId, created: false };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  throw new Error(`Could not open or join incident ${incidentId}: it kept closing and reopening`);
}

/**
 * Records a resolved alert on the open incident for its resource and kind. Returns the incident id,
 * or undefined when none is open (the incident already closed, or never opened).
 */
export async function recordAlertResolved(
  client: Client,
  request: IncidentRequest,
): Promise<string | undefined> {
  const incidentId = incidentWorkflowId(request.resourceId, request.kind);
  try {
    await client.workflow.getHandle(incidentId).signal(alertSignal, {
      source: request.source ?? 'api',
      summary: request.summary ?? `${request.kind} on ${request.resourceId} resolved`,
      at: new Date().toISOString(),
      status: 'resolved',
    });
    return incidentId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
