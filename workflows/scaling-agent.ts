import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { decideCapacity, type ReactiveScalingPolicy } from '../domain/scaling/reactive';

export interface ScalingAgentInput {
  group: string;
  policy: ReactiveScalingPolicy;
  intervalSeconds: number;
  /** Carried across continue-as-new. */
  lastChangeAt?: number;
  actions?: ScalingAction[];
}

export interface ScalingAction {
  at: string;
  from: number;
  to: number;
  reason: string;
}

export const scalingStateQuery = defineQuery<{ group: string; actions: ScalingAction[]; last?: string }>(
  'scalingState',
);
export const stopScalingSignal = defineSignal('stopScaling');

const agent = proxyActivities<MedicActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '20 seconds',
    nonRetryableErrorTypes: ['GroupNotFound'],
  },
});

const POLLS_PER_RUN = 500;

/**
 * The scaling agent for one Auto Scaling group: reactive target tracking on the group's CPU, bounded
 * by min/max, with a cool-down after every change. Each change is recorded (queryable).
 */
export async function scalingAgentWorkflow(input: ScalingAgentInput): Promise<{ actions: ScalingAction[] }> {
  const nowMs = () => new Date().getTime();
  let lastChangeAt = input.lastChangeAt ?? 0;
  const actions = input.actions ?? [];
  let last: string | undefined;
  let stopping = false;
  setHandler(scalingStateQuery, () => ({ group: input.group, actions, last }));
  setHandler(stopScalingSignal, () => {
    stopping = true;
  });
  for (let poll = 0; poll < POLLS_PER_RUN && !stopping && !workflowInfo().continueAsNewSuggested; poll++) {
    const group = await agent.observeGroup({
      name: input.group,
      lookbackSeconds: 3 * input.intervalSeconds,
      periodSeconds: input.intervalSeconds,
    });
    const policy = {
      ...input.policy,
      minSize: Math.max(input.policy.minSize, group.minSize),
      maxSize: Math.min(input.policy.maxSize, group.maxSize),
    };
    if (group.averageCpu !== undefined) {
      const decision = decideCapacity(
        group.desired,
        group.averageCpu,
        policy,
        (nowMs() - lastChangeAt) / 1000,
      );
      last = decision.reason;
      if (decision.desired !== group.desired) {
        const result = await agent.setGroupCapacity({ name: input.group, desired: decision.desired });
        lastChangeAt = nowMs();
        actions.push({
          at: new Date(lastChangeAt).toISOString(),
          from: result.from,
          to: decision.desired,
          reason: decision.reason,
        });
        if (actions.length > 100) actions.shift();
      }
    }
    await condition(() => stopping, `${input.intervalSeconds} seconds`);
  }
  if (stopping) return { actions };
  return continueAsNew<typeof scalingAgentWorkflow>({ ...input, lastChangeAt, actions });
}
