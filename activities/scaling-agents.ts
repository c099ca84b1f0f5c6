import type { Client } from '@temporalio/client';
import { RUNNING_SCALING_AGENTS, scalingAgentWorkflowId } from '../domain/ids';
import { scalingStateQuery, type ScalingState } from '../workflows/scaling-agent';

/** A running scaling agent: the group it scales, and its state (absent when it did not answer). */
export interface RunningScalingAgent {
  group: string;
  state?: ScalingState;
}

/** The running scaling agents (Temporal visibility), each asked for its state. */
export async function runningScalingAgents(temporal: Client): Promise<RunningScalingAgent[]> {
  const prefix = scalingAgentWorkflowId('');
  const agents: RunningScalingAgent[] = [];
  for await (const execution of temporal.workflow.list({ query: RUNNING_SCALING_AGENTS })) {
    if (!execution.workflowId.startsWith(prefix)) continue;
    const state = await temporal.workflow
      .getHandle(execution.workflowId, execution.runId)
      .query(scalingStateQuery)
      .catch(() => undefined);
    agents.push({ group: execution.workflowId.slice(prefix.length), ...(state ? { state } : {}) });
  }
  return agents;
}
