import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { parseDuration } from '../domain/duration';
import { blockBreadth, coversOneHost } from '../domain/network-block';
import type {
  IncidentReport,
  IncidentState,
  IncidentStatus,
  Mode,
  RemediationStep,
  StepRecord,
} from '../domain/incident';
import { buildReport, closingNotification } from '../domain/report';
import { NOTIFICATION_OPTIONS } from './activity-options';
import { lifecycleEmitter } from './lifecycle-emitter';
import { alertSignal, incidentStateQuery } from './messages';
import { MEDIC_KIND, MEDIC_MODE, MEDIC_RESOURCE, MEDIC_SEVERITY } from './search-attributes';
import { acceptOneDecision } from './single-decision';
import { failureMessage } from './failure-message';
import { awaitOneDecision } from './await-decision';
import { incidentTimeline } from './timeline';

const network = proxyActivities<MedicActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '20 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['NoManagedSubnet', 'NoFreeRuleNumber'],
  },
});
const support = proxyActivities<MedicActivities>(NOTIFICATION_OPTIONS);

export interface BlockSourceInput {
  cidr: string;
  /** How long the deny stays before the workflow's own timer lifts it ("1h"). */
  duration: string;
  requestedBy: string;
  reason: string;
  fleet?: string;
  /** AUTO by default: the deny is narrow, timed and lifts itself. */
  mode?: Mode;
  /** What was seen ("4 800 flows in the last scan, 92 % of all"), for the report. */
  evidence?: string;
  approvalTimeout?: string;
}

export interface BlockState {
  cidr: string;
  status: 'blocking' | 'blocked' | 'lifted' | 'failed' | 'not-blocked';
  until?: string;
  acls: { aclId: string; ruleNumber: number; created: boolean }[];
  detail: string;
}

export const blockStateQuery = defineQuery<BlockState>('blockState');
/** Who lifts a block early, and why: the lift step's reason says so. */
export interface LiftRequest {
  by: string;
  reason?: string;
}
/** Lifts the block before its expiry; sent without a request (older callers) it is lifted "on request". */
export const liftBlockSignal = defineSignal<[LiftRequest?]>('liftBlock');

export { trafficFloodIncidentId as blockSourceWorkflowId } from '../domain/ids';

/**
 * The security agent's answer to traffic from one source (a detected flood, or a person's "block
 * <ip>"), as an incident like every other: deny the source at the managed subnets' network ACLs,
 * verify the deny is on every one (else undo it and fail), report, hold it on a durable timer,
 * then lift it and say so. MANUAL waits for one decision first.
 */
export async function blockSourceWorkflow(input: BlockSourceInput): Promise<IncidentReport> {
  const info = workflowInfo();
  const now = () => new Date().toISOString();
  const scope = { cidr: input.cidr, ...(input.fleet ? { fleet: input.fleet } : {}) };
  const holdMs = parseDuration(input.duration) ?? 3_600_000;
  const deny: RemediationStep = {
    action: 'deny-source',
    reason: `Deny all traffic from ${input.cidr} at the subnets' network ACLs for ${input.duration}: ${coversOneHost(input.cidr) ? 'narrow' : 'broad'} (${blockBreadth(input.cidr)}), effective before any instance sees it, and it lifts itself.`,
  };
  const state: IncidentState = {
    incidentId: info.workflowId,
    resourceId: input.cidr,
    kind: 'traffic-flood',
    severity: 'high',
    mode: input.mode ?? 'auto',
    status: 'detected',
    summary: input.evidence
      ? `Traffic flood from ${input.cidr}: ${input.evidence}`
      : `Block of ${input.cidr} requested by ${input.requestedBy} (${input.reason})`,
    openedAt: now(),
    plan: [deny],
    timeline: [],
    alerts: [{ source: input.evidence ? 'flow-logs' : 'chat', summary: input.reason, at: now() }],
  };
  const block: BlockState = { cidr: input.cidr, status: 'blocking', acls: [], detail: input.reason };
  const steps: StepRecord[] = [];
  const pending: Promise<void>[] = [];
  const { record, transition } = incidentTimeline(state);
  const emit = lifecycleEmitter(state, (message) => record(message), pending);
  let liftRequested = false;
  setHandler(incidentStateQuery, () => state);
  setHandler(blockStateQuery, () => block);
  let liftedBy: LiftRequest | undefined;
  setHandler(liftBlockSignal, (request) => {
    if (liftRequested) return;
    liftRequested = true;
    liftedBy = request;
    if (request) record(`Lift requested by ${request.by}${request.reason ? `: ${request.reason}` : ''}`);
  });
  // A block scoped to one fleet follows the source to another fleet whose flow logs show it while
  // the block holds (decision 0075); a block on every managed subnet already covers them all.
  const followsFleets = patched('block-follows-fleets');
  const covered = new Set<string>(input.fleet ? [input.fleet] : []);
  const fleetsToCover: string[] = [];
  setHandler(alertSignal, (alert) => {
    state.alertCount = (state.alertCount ?? 1) + Math.max(1, alert.count ?? 1);
    const elsewhere =
      followsFleets && input.fleet !== undefined && alert.fleet !== undefined && !covered.has(alert.fleet);
    record(
      `The source was seen again (${state.alertCount} in all)${elsewhere ? ` in ${alert.fleet}'s flow logs` : ''}: ${alert.summary}`,
    );
    if (elsewhere && alert.fleet !== undefined && !fleetsToCover.includes(alert.fleet))
      fleetsToCover.push(alert.fleet);
  });
  const decided = acceptOneDecision(state);
  upsertSearchAttributes([
    { key: MEDIC_RESOURCE, value: input.cidr },
    { key: MEDIC_KIND, value: 'traffic-flood' },
    { key: MEDIC_MODE, value: state.mode },
    { key: MEDIC_SEVERITY, value: state.severity },
  ]);
  record(`Incident opened: ${state.summary}`);
  emit('incident.opened', { summary: state.summary });

  const finish = async (status: IncidentStatus, conclusion: string): Promise<IncidentReport> => {
    if (status !== 'resolved') block.status = block.status === 'blocking' ? 'not-blocked' : block.status;
    transition(status, conclusion);
    state.closedAt = now();
    state.report = buildReport(state, steps, conclusion);
    for (const step of steps)
      emit('incident.action', { action: step.action, target: step.resourceId, outcome: step.outcome });
    emit('incident.closed', { outcome: status, conclusion, steps: steps.length });
    await Promise.all(pending);
    const sent = await support.notify(closingNotification(state, state.report, status));
    record(`Notified (${sent.detail})`);
    return state.report;
  };

  transition('planned', `Plan: 1. ${deny.action} — ${deny.reason}`);
  if (state.mode === 'manual') {
    const timeout = input.approvalTimeout ?? '30m';
    const decision = await awaitOneDecision({ state, decided, transition, record, emit, timeout });
    if (!decision)
      return finish('escalated', `No decision within ${timeout}; ${input.cidr} was not blocked.`);
    if (decision.decision === 'decline')
      return finish('declined', `Declined by ${decision.by}; nothing was blocked.`);
    if (decision.decision === 'manual') return finish('manual', `${decision.by} is handling it by hand.`);
  }

  const until = new Date(new Date().getTime() + holdMs).toISOString();
  const startedAt = now();
  const denyRecord = (outcome: StepRecord['outcome'], detail: string): StepRecord => ({
    step: 1,
    action: 'deny-source',
    resourceId: input.cidr,
    reason: deny.reason,
    startedAt,
    finishedAt: now(),
    outcome,
    detail,
  });
  type Where = { cidr: string; fleet?: string };
  type DenyOutcome = { acls: BlockState['acls'] } | { failed: string; lifted: number; unverified: boolean };
  /**
   * Deny at `where`, verify it on each ACL, and undo it there if either fails: a partial block hides
   * the source on some subnets only, which is worse than none. `refused` may rethrow (the first deny
   * before `deny-failure-undone`); `denied` runs between the deny and its check.
   */
  const denyVerified = async (
    where: Where,
    hooks: { refused?: (err: unknown) => void; denied?: (acls: BlockState['acls']) => void } = {},
  ): Promise<DenyOutcome> => {
    let acls: BlockState['acls'];
    try {
      acls = (await network.denySource({ ...where, until })).acls;
    } catch (err) {
      hooks.refused?.(err);
      const { lifted } = await network.liftSourceBlock(where);
      return { failed: failureMessage(err), lifted, unverified: false };
    }
    hooks.denied?.(acls);
    const check = await network.sourceDenied(where);
    if (check.denied >= acls.length) return { acls };
    const { lifted } = await network.liftSourceBlock(where);
    return {
      failed: `only ${check.denied} of ${acls.length} ACLs showed the deny`,
      lifted,
      unverified: true,
    };
  };
  /** The same deny in one more fleet's subnets, verified there; a deny that fails there is undone there. */
  const extendBlock = async (extra: { cidr: string; fleet: string }): Promise<StepRecord> => {
    const began = now();
    const step = (outcome: StepRecord['outcome'], detail: string): StepRecord => ({
      step: steps.length + 1,
      action: 'deny-source',
      resourceId: input.cidr,
      reason: `Seen in ${extra.fleet}'s flow logs while the block holds: the same deny there, until the same time.`,
      startedAt: began,
      finishedAt: now(),
      outcome,
      detail,
    });
    const outcome = await denyVerified(extra);
    if ('failed' in outcome) {
      const failed = step('failed', `${outcome.failed}; ${outcome.lifted} entries removed again`);
      record(
        `Step ${failed.step}: ${input.cidr} could not be denied in ${extra.fleet}: ${failed.detail}`,
        'failed',
      );
      return failed;
    }
    block.acls = [...block.acls, ...outcome.acls];
    const done = step(
      'succeeded',
      `denied in ${extra.fleet} on ${outcome.acls.map((a) => `${a.aclId} rule ${a.ruleNumber}`).join(', ')}`,
    );
    record(
      `Step ${done.step}: ${input.cidr} denied in ${extra.fleet} too (${outcome.acls.length} network ACL(s)), until ${until}`,
      'succeeded',
    );
    return done;
  };
  transition('remediating', `Step 1: ${deny.action} ${input.cidr} until ${until}`);
  const denied = await denyVerified(scope, {
    refused: (err) => {
      if (!patched('deny-failure-undone')) throw err;
    },
    denied: (acls) =>
      transition('verifying', `Step 1 done (${acls.length} network ACL(s)); verifying the deny on each`),
  });
  if ('failed' in denied) {
    // The incident closes failed, saying what EC2 said, instead of the run failing.
    steps.push(denyRecord('failed', `${denied.failed}; ${denied.lifted} entries removed again`));
    block.status = 'failed';
    block.detail = steps[0].detail;
    return finish(
      'failed',
      denied.unverified
        ? `The deny could not be verified on every ACL and was undone; a person must look.`
        : `${input.cidr} was not blocked: ${denied.failed}. A person must look.`,
    );
  }
  block.acls = denied.acls;
  steps.push(
    denyRecord(
      'succeeded',
      `denied on ${denied.acls.map((a) => `${a.aclId} rule ${a.ruleNumber}`).join(', ')}`,
    ),
  );
  block.status = 'blocked';
  block.until = until;
  block.detail = `${input.cidr} denied on ${denied.acls.length} network ACL(s) until ${until} (${input.reason}).`;
  const conclusion = `${input.cidr} is denied on ${denied.acls.length} network ACL(s) until ${until}; the block lifts itself then (or signal liftBlock).`;
  await finish('resolved', conclusion);

  // Resolved, and still open: the workflow holds the block and is the one place that lifts it.
  const extraScopes: { cidr: string; fleet: string }[] = [];
  if (followsFleets) {
    const holdEnds = new Date(until).getTime();
    while (!liftRequested) {
      const left = holdEnds - new Date().getTime();
      if (left <= 0 || !(await condition(() => liftRequested || fleetsToCover.length > 0, left))) break;
      for (const fleet of fleetsToCover.splice(0)) {
        const extra = { cidr: input.cidr, fleet };
        const step = await extendBlock(extra);
        steps.push(step);
        covered.add(fleet);
        // A deny that failed there was undone there already: only a deny in place is lifted later.
        if (step.outcome === 'succeeded') extraScopes.push(extra);
      }
    }
  } else await condition(() => liftRequested, holdMs);
  let liftedEntries = (await network.liftSourceBlock(scope)).lifted;
  for (const extra of extraScopes) liftedEntries += (await network.liftSourceBlock(extra)).lifted;
  steps.push({
    step: steps.length + 1,
    action: 'lift-source-block',
    resourceId: input.cidr,
    reason: liftRequested
      ? `Lifted on request${liftedBy ? ` of ${liftedBy.by}${liftedBy.reason ? ` (${liftedBy.reason})` : ''}` : ''}.`
      : `The block's ${input.duration} were up.`,
    startedAt: now(),
    finishedAt: now(),
    outcome: 'succeeded',
    detail: `${liftedEntries} deny entr${liftedEntries === 1 ? 'y' : 'ies'} removed`,
  });
  block.status = 'lifted';
  block.detail = `${liftRequested ? 'Lifted on request' : 'Expired'}: ${steps[steps.length - 1].detail}.`;
  record(block.detail, 'succeeded');
  state.report = buildReport(state, steps, `${conclusion} ${block.detail}`);
  await condition(allHandlersFinished);
  return state.report;
}
