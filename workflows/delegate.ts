import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, startChild } from '@temporalio/workflow';
import { TASK_QUEUES } from '../domain/config';
import { incidentWorkflowId } from '../domain/ids';
import type { IncidentRequest } from '../domain/incident';
import { alertSignal } from './messages';
import { MEDIC_KIND, MEDIC_MODE, MEDIC_RESOURCE, MEDIC_SEVERITY, MEDIC_STATUS } from './search-attributes';

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
        typedSearchAttributes: [
          { key: MEDIC_RESOURCE, value: request.resourceId },
          { key: MEDIC_KIND, value: request.kind },
          { key: MEDIC_STATUS, value: 'detected' },
          { key: MEDIC_SEVERITY, value: request.severity ?? 'high' },
          { key: MEDIC_MODE, value: request.mode ?? 'pending' },
        ],
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
