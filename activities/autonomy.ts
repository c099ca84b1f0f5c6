import type { Client } from '@temporalio/client';
import { modeForActions, type ActionOutcome, type AutonomySettings } from '../domain/autonomy';
import { TASK_QUEUES } from '../domain/config';
import type { Mode } from '../domain/incident';
import {
  actionOutcomeSignal,
  AUTONOMY_POLICY_WORKFLOW_ID,
  autonomyStateQuery,
  type autonomyPolicyWorkflow,
} from '../workflows/autonomy-policy';

/** The incident's side of progressive autonomy: ask the mode for a plan, report each action's outcome. */
export function createAutonomyActivities(temporal: Client, settings: AutonomySettings) {
  const governs = (actions: string[]) => actions.some((a) => settings.initial[a] !== undefined);
  const start = () =>
    temporal.workflow.start<typeof autonomyPolicyWorkflow>('autonomyPolicyWorkflow', {
      workflowId: AUTONOMY_POLICY_WORKFLOW_ID,
      taskQueue: TASK_QUEUES.healing,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ settings }],
    });
  return {
    async autonomyModeFor(input: { actions: string[] }): Promise<Mode | undefined> {
      if (!governs(input.actions)) return undefined;
      const handle = await start();
      const { actions } = await handle.query(autonomyStateQuery);
      return modeForActions(actions, input.actions, settings);
    },
    async recordActionOutcome(outcome: ActionOutcome): Promise<void> {
      if (!governs([outcome.action])) return;
      await (await start()).signal(actionOutcomeSignal, outcome);
    },
  };
}
