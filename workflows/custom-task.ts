import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities, RemediationResult } from '../activities';
import { isDecision, type Decision } from '../domain/incident';
import { parseDuration } from '../domain/duration';
import type { TaskDefinition } from '../domain/tasks/definition';
import { isInstanceTaskAction, render, type TaskAction } from '../domain/tasks/steps';
import { NOTIFICATION_OPTIONS, OBSERVATION_OPTIONS, REMEDIATION_OPTIONS } from './activity-options';
import { decisionUpdate, INVALID_DECISION, NOT_AWAITING_DECISION, type DecisionAck } from './messages';

export interface TaskRunInput {
  definition: TaskDefinition;
  params: Record<string, string>;
  requestedBy: string;
  /** How long a run that needs approval waits before it gives up (default 30m). */
  approvalTimeout?: string;
}

export type TaskRunStatus = 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'declined' | 'expired';

export interface TaskStepRecord {
  step: number;
  action: TaskAction;
  target?: string;
  startedAt: string;
  finishedAt?: string;
  /** `running` until the step ends: a status read while it runs does not show it done. */
  outcome: 'running' | 'succeeded' | 'failed' | 'skipped';
  detail: string;
}

export interface TaskRunState {
  runId: string;
  task: string;
  params: Record<string, string>;
  requestedBy: string;
  status: TaskRunStatus;
  steps: TaskStepRecord[];
  decision?: Decision & { at: string };
  summary?: string;
}

export const taskRunStateQuery = defineQuery<TaskRunState>('taskRunState');

const remediation = proxyActivities<MedicActivities>(REMEDIATION_OPTIONS);
const observation = proxyActivities<MedicActivities>(OBSERVATION_OPTIONS);
const notification = proxyActivities<MedicActivities>(NOTIFICATION_OPTIONS);

const INSTANCE_ACTIONS: Record<
  string,
  (i: { instanceId: string; idempotencyKey: string }) => Promise<RemediationResult>
> = {
  'start-instance': (i) => remediation.startInstance(i),
  'reboot-instance': (i) => remediation.rebootInstance(i),
  'stop-start-instance': (i) => remediation.stopStartInstance(i),
  'replace-instance': (i) => remediation.replaceInstance(i),
};

const VERIFY_ATTEMPTS = 30;
const VERIFY_INTERVAL = '2 seconds';

/**
 * A custom task run: optional approval, then the steps in order, each instance step verified before
 * the next. It stops at the first failure (custom steps have no compensation) and says where.
 * Idempotency keys are per run and step, so a retried step does not act twice.
 */
export async function customTaskWorkflow(input: TaskRunInput): Promise<TaskRunState> {
  const { workflowId } = workflowInfo();
  const now = () => new Date().toISOString();
  const state: TaskRunState = {
    runId: workflowId,
    task: input.definition.name,
    params: input.params,
    requestedBy: input.requestedBy,
    status: input.definition.approval === 'required' ? 'awaiting_approval' : 'running',
    steps: [],
  };
  setHandler(taskRunStateQuery, () => state);
  setHandler(
    decisionUpdate,
    (incoming: Decision): DecisionAck => {
      state.decision = { ...incoming, at: now() };
      state.status = incoming.decision === 'approve' ? 'running' : 'declined';
      return { accepted: true, status: state.status === 'running' ? 'remediating' : 'declined' };
    },
    {
      validator: (incoming: unknown) => {
        if (!isDecision(incoming))
          throw ApplicationFailure.create({
            type: INVALID_DECISION,
            message: 'decision must be approve or decline, with "by"',
          });
        if (state.status !== 'awaiting_approval' || state.decision)
          throw ApplicationFailure.create({
            type: NOT_AWAITING_DECISION,
            message: `The run is ${state.status}, not awaiting a decision`,
          });
      },
    },
  );
  const end = async (status: TaskRunStatus, summary: string) => {
    state.status = status;
    state.summary = summary;
    await condition(allHandlersFinished);
    return state;
  };

  if (state.status === 'awaiting_approval') {
    const timeout = parseDuration(input.approvalTimeout ?? '30m') ?? 30 * 60_000;
    if (!(await condition(() => state.decision !== undefined, timeout)))
      return end('expired', `Nobody approved within ${input.approvalTimeout ?? '30m'}; nothing was done.`);
    if (state.decision?.decision !== 'approve')
      return end('declined', `Declined by ${state.decision?.by}; nothing was done.`);
  }

  for (const [index, step] of input.definition.steps.entries()) {
    const number = index + 1;
    const waitSeconds = step.seconds ?? 1;
    const record: TaskStepRecord = {
      step: number,
      action: step.action,
      startedAt: now(),
      outcome: 'running',
      detail: step.action === 'wait' ? `waiting ${waitSeconds}s` : 'in progress',
    };
    state.steps.push(record);
    if (step.action === 'wait') {
      await sleep(`${waitSeconds} seconds`);
      record.detail = `waited ${waitSeconds}s`;
    } else if (step.action === 'notify') {
      const sent = await notification.notify({
        incidentId: workflowId,
        severity: 'low',
        headline: `${input.definition.name}: ${render(step.message ?? '', input.params)}`,
        body: `Task ${input.definition.name}, step ${number}, requested by ${input.requestedBy}`,
      });
      record.detail = sent.detail;
    } else if (isInstanceTaskAction(step.action)) {
      const instanceId = render(step.target ?? '', input.params);
      record.target = instanceId;
      const startedAt = now();
      try {
        const result = await INSTANCE_ACTIONS[step.action]({
          instanceId,
          idempotencyKey: `${workflowId}/step-${number}`,
        });
        record.detail = result.detail;
        const verify = step.verify ?? 'running';
        if (verify !== 'none') {
          const target = result.newInstanceId ?? instanceId;
          let healthy = false;
          let last = '';
          for (let attempt = 0; attempt < VERIFY_ATTEMPTS && !healthy; attempt++) {
            if (attempt > 0) await sleep(VERIFY_INTERVAL);
            const check = await observation.checkHealth({
              instanceId: target,
              kind: verify === 'healthy' ? 'status-check-failed' : 'instance-stopped',
              since: startedAt,
            });
            healthy = check.healthy;
            last = check.detail;
          }
          if (!healthy) {
            record.outcome = 'failed';
            record.detail = `${result.detail}; not ${verify} afterwards: ${last}`;
          } else record.detail = `${result.detail}; verified ${verify}`;
        }
      } catch (err) {
        record.outcome = 'failed';
        record.detail = (err as Error).message;
      }
    }
    record.finishedAt = now();
    if (record.outcome === 'running') record.outcome = 'succeeded';
    if (record.outcome === 'failed')
      return end(
        'failed',
        `Step ${number} (${step.action}) failed: ${record.detail}. Later steps were not run.`,
      );
  }
  return end('succeeded', `All ${input.definition.steps.length} steps done.`);
}
