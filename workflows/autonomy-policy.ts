import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  recordOutcome,
  type ActionOutcome,
  type AutonomySettings,
  type AutonomyState,
} from '../domain/autonomy';

export const AUTONOMY_POLICY_WORKFLOW_ID = 'autonomy-policy';
export const actionOutcomeSignal = defineSignal<[ActionOutcome]>('actionOutcome');
export const autonomyStateQuery = defineQuery<{ settings: AutonomySettings; actions: AutonomyState }>(
  'autonomyState',
);

export interface AutonomyPolicyInput {
  settings: AutonomySettings;
  state?: AutonomyState;
}

const EVENTS_BEFORE_CONTINUE = 5000;

/** One long-lived workflow holds the progressive-autonomy policy and its history for the fleet. */
export async function autonomyPolicyWorkflow(input: AutonomyPolicyInput): Promise<void> {
  let state = input.state ?? {};
  setHandler(actionOutcomeSignal, (outcome) => {
    state = recordOutcome(state, outcome, input.settings);
  });
  setHandler(autonomyStateQuery, () => ({ settings: input.settings, actions: state }));
  await condition(
    () => workflowInfo().historyLength >= EVENTS_BEFORE_CONTINUE || workflowInfo().continueAsNewSuggested,
  );
  await condition(allHandlersFinished);
  return continueAsNew<typeof autonomyPolicyWorkflow>({ settings: input.settings, state });
}
