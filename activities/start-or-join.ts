import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { decisionHold, type HeldDecision } from '../domain/decision-hold';
import type { Alert } from '../domain/incident';
import { alertSignal } from '../workflows/messages';
import { MEDIC_STATUS } from '../workflows/search-attributes';

export interface IncidentStart {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  searchAttributes: SearchAttributePair[];
  /**
   * For findings re-read every scan: how long a person's decline or "I'll do it by hand" on the last
   * incident holds a new one back (`DECISION_HOLDS`). Without it, every closed incident is reopened.
   */
  decisionHoldMs?: number;
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
): Promise<{ incidentId: string; created: boolean; held?: HeldDecision }> {
  if (start.decisionHoldMs !== undefined) {
    const held = await heldByLastDecision(client, start.workflowId, start.decisionHoldMs);
    if (held) return { incidentId: start.workflowId, created: false, held };
  }
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

/** The last incident of this id, closed by a person's answer that still holds (`decisionHold`). */
async function heldByLastDecision(
  client: Client,
  workflowId: string,
  holdMs: number,
): Promise<HeldDecision | undefined> {
  try {
    const last = await client.workflow.getHandle(workflowId).describe();
    if (last.status.name === 'RUNNING') return undefined;
    const outcome = last.typedSearchAttributes.get(MEDIC_STATUS);
    return decisionHold({ outcome, closedAt: last.closeTime }, holdMs, new Date());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
