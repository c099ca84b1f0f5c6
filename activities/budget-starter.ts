import type { Client } from '@temporalio/client';
import { TASK_QUEUES, type MedicConfig } from '../domain/config';
import type { remediationBudgetWorkflow } from '../workflows/remediation-budget';
import { REMEDIATION_BUDGET_WORKFLOW_ID } from '../workflows/remediation-budget';

/** Starts the fleet-wide budget workflow if it is not running; safe to call from every incident. */
export function createBudgetActivities(temporal: Client, config: MedicConfig) {
  async function ensureRemediationBudget(): Promise<string> {
    const handle = await temporal.workflow.start<typeof remediationBudgetWorkflow>(
      'remediationBudgetWorkflow',
      {
        workflowId: REMEDIATION_BUDGET_WORKFLOW_ID,
        taskQueue: TASK_QUEUES.healing,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            limits: {
              maxConcurrent: config.maxConcurrentRemediations,
              maxDestructivePerHour: config.maxDestructivePerHour,
              leaseTtlMs: 30 * 60_000,
            },
          },
        ],
      },
    );
    return handle.workflowId;
  }
  return { ensureRemediationBudget };
}
