import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, startChild } from '@temporalio/workflow';
import { TASK_QUEUES } from '../domain/config';
import { incidentWorkflowId } from '../domain/ids';
import type { IncidentRequest } from '../domain/incident';
import { alertSignal } from './messages';
import { incidentStartAttributes } from './search-attributes';

/**
 * The coordinator's hand-off (decision 0030): a finding becomes a child workflow on the healing
 * agent's task queue, abandoned on close so the incident outlives the detection run that found it.
 * The same business id as every other source gives the same dedup: an incident already open for
 * the resource and kind gets the finding as an alert instead.
 */
export async function delegateIncident(
  request: IncidentRequest,
): Promise<{ incidentId: string; created: boolean }> {
  const incidentId = incidentWorkflowId(request.resourceId, request.kind);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await startChild('incidentWorkflow', {
        workflowId: incidentId,
        taskQueue: TASK_QUEUES.healing,
        args: [request],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: incidentStartAttributes(request),
      });
      return { incidentId, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    try {
      await getExternalWorkflowHandle(incidentId).signal(alertSignal, {
        source: request.source ?? 'detector',
        summary: request.summary ?? `${request.kind} on ${request.resourceId}`,
        at: new Date().toISOString(),
      });
      return { incidentId, created: false };
    } catch {
      // It closed between the start and the signal: start a new one.
    }
  }
  throw new Error(`Could not open or join incident ${incidentId}: it kept closing and reopening`);
}
