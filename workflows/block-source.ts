import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { parseDuration } from '../domain/duration';

const network = proxyActivities<MedicActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '20 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['NoManagedSubnet', 'NoFreeRuleNumber'],
  },
});

export interface BlockSourceInput {
  cidr: string;
  /** How long the deny stays before the workflow's own timer lifts it ("1h"). */
  duration: string;
  requestedBy: string;
  reason: string;
  fleet?: string;
}

export interface BlockState {
  cidr: string;
  status: 'blocking' | 'blocked' | 'lifted' | 'failed';
  until?: string;
  acls: { aclId: string; ruleNumber: number; created: boolean }[];
  detail: string;
}

export const blockStateQuery = defineQuery<BlockState>('blockState');
/** Lifts the block before its expiry. */
export const liftBlockSignal = defineSignal('liftBlock');

export const blockSourceWorkflowId = (cidr: string) => `block-${cidr.replace(/[^0-9.]/g, '-')}`;

/**
 * The security agent's answer to traffic from one source: deny it at the managed subnets' network
 * ACLs, verify the deny is in place (else undo it and fail), hold it on a durable timer, then lift
 * it. One workflow per source: blocking again while blocked finds this one.
 */
export async function blockSourceWorkflow(input: BlockSourceInput): Promise<BlockState> {
  const scope = { cidr: input.cidr, ...(input.fleet ? { fleet: input.fleet } : {}) };
  const holdMs = parseDuration(input.duration) ?? 3_600_000;
  const until = new Date(new Date().getTime() + holdMs).toISOString();
  const state: BlockState = { cidr: input.cidr, status: 'blocking', until, acls: [], detail: input.reason };
  let liftRequested = false;
  setHandler(blockStateQuery, () => state);
  setHandler(liftBlockSignal, () => {
    liftRequested = true;
  });

  const denied = await network.denySource({ ...scope, until });
  state.acls = denied.acls;
  const check = await network.sourceDenied(scope);
  if (check.denied < denied.acls.length) {
    // Compensation: a partial block is worse than none (it hides the source on some subnets only).
    await network.liftSourceBlock(scope);
    state.status = 'failed';
    state.detail = `Only ${check.denied} of ${denied.acls.length} network ACLs showed the deny; it was removed again.`;
    return state;
  }
  state.status = 'blocked';
  state.detail = `${input.cidr} denied on ${denied.acls.length} network ACL(s) until ${until} (${input.reason}).`;
  await condition(() => liftRequested, holdMs);
  const lifted = await network.liftSourceBlock(scope);
  state.status = 'lifted';
  state.detail = `${liftRequested ? 'Lifted on request' : 'Expired'}: ${lifted.lifted} deny entr${lifted.lifted === 1 ? 'y' : 'ies'} removed.`;
  return state;
}
