import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { CODING_OPTIONS } from './activity-options';
import type { InfraProposal } from '../domain/infra-change';
import { requestedCapacity, type CapacityChange } from '../domain/scaling/requested';

const agent = proxyActivities<MedicActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['GroupNotFound'],
  },
});

const coding = proxyActivities<MedicActivities>(CODING_OPTIONS);

export interface CapacityRequestInput {
  group: string;
  change: CapacityChange;
  requestedBy: string;
  reason: string;
}

export interface CapacityRequestResult {
  group: string;
  from: number;
  to: number;
  changed: boolean;
  note?: string;
  /** The coding agent's patch so the stack configuration keeps the new size. */
  infraProposal?: InfraProposal;
}

/**
 * A capacity change a person asked for (chat: "scale web-asg to 6"), on the scaling agent's queue:
 * read the group, keep the size within its bounds, set it (idempotent: an absolute size, no call
 * when already there). Its history in the Web UI records who asked and why.
 */
export async function capacityRequestWorkflow(input: CapacityRequestInput): Promise<CapacityRequestResult> {
  const group = await agent.observeGroup({ name: input.group, lookbackSeconds: 300, periodSeconds: 60 });
  const target = requestedCapacity(group, input.change);
  const result = await agent.setGroupCapacity({ name: input.group, desired: target.desired });
  const proposal =
    result.changed && patched('infra-drift')
      ? await coding.proposeInfraPatch({
          incidentId: workflowInfo().workflowId,
          source: { kind: 'desired-capacity', group: input.group },
        })
      : undefined;
  return {
    ...(proposal && proposal.status !== 'not-configured' ? { infraProposal: proposal } : {}),
    group: input.group,
    from: result.from,
    to: target.desired,
    changed: result.changed,
    ...(target.clamped ? { note: target.clamped } : {}),
  };
}
