import {
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { ruleKey, type IngressRule } from '../domain/security';
import {
  type IncidentReport,
  type IncidentState,
  type Mode,
  type RemediationStep,
  type StepRecord,
} from '../domain/incident';
import { acceptOneDecision } from './single-decision';
import { incidentTimeline } from './timeline';
import { lifecycleEmitter } from './lifecycle-emitter';
import { awaitOneDecision } from './await-decision';
import { incidentCloser } from './incident-closer';
import { proposeInfraChange } from './infra-proposal';
import { alertSignal, incidentStateQuery } from './messages';
import { MEDIC_MODE, MEDIC_SEVERITY } from './search-attributes';

const security = proxyActivities<MedicActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '20 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['SecurityGroupNotFound'],
  },
});

export interface SecurityIncidentRequest {
  rule: IngressRule;
  /** AUTO by default: closing a sensitive port open to the world is a critical safety action. */
  mode?: Mode;
  dryRun?: boolean;
  source?: string;
  approvalTimeout?: string;
}

const describeRule = (r: IngressRule) =>
  `${r.protocol === '-1' ? 'all traffic' : `${r.protocol} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`} open to ${r.cidr} on ${r.groupId}`;

/**
 * The security agent's incident: a security group rule that opens a sensitive port to the whole
 * internet. Revoke it (recording the rule on the group so it can be put back), verify it is gone,
 * and if verification fails run the compensation (restore) and escalate. Same state, query,
 * decision update and report as every incident, so the API and console show it alike.
 */
export async function securityIncidentWorkflow(request: SecurityIncidentRequest): Promise<IncidentReport> {
  const { rule } = request;
  const info = workflowInfo();
  const now = () => new Date().toISOString();
  const state: IncidentState = {
    incidentId: info.workflowId,
    resourceId: ruleKey(rule),
    kind: 'security-group-open',
    severity: 'critical',
    mode: request.mode ?? 'auto',
    status: 'detected',
    summary: `Sensitive port exposed: ${describeRule(rule)}`,
    openedAt: now(),
    plan: [],
    timeline: [],
    alerts: [{ source: request.source ?? 'security-scan', summary: describeRule(rule), at: now() }],
  };
  const { record, transition } = incidentTimeline(state);
  const pendingEvents: Promise<void>[] = [];
  const emit = lifecycleEmitter(state, (message) => record(message), pendingEvents);
  setHandler(incidentStateQuery, () => state);
  setHandler(alertSignal, (alert) => {
    state.alertCount = (state.alertCount ?? 1) + Math.max(1, alert.count ?? 1);
    record(`The scan saw the rule again (${state.alertCount} in all)`);
  });
  const decided = acceptOneDecision(state);
  upsertSearchAttributes([
    { key: MEDIC_MODE, value: state.mode },
    { key: MEDIC_SEVERITY, value: state.severity },
  ]);
  emit('incident.opened', { summary: state.summary });

  const steps: StepRecord[] = [];
  const finish = incidentCloser(state, steps, { transition, record, emit, pending: pendingEvents });

  transition('diagnosing', `Checking that ${describeRule(rule)} is still in place`);
  if (!(await security.ruleIsPresent(rule)))
    return finish('resolved', 'The rule is no longer in place; nothing to do.');
  const revoke: RemediationStep = {
    action: 'revoke-ingress-rule',
    reason: `Port ${rule.fromPort}${rule.toPort !== rule.fromPort ? `-${rule.toPort}` : ''} accepts connections from the whole internet (${rule.cidr}); revoking the rule closes it. The rule is recorded on the group (tag) and in this report so it can be restored exactly.`,
  };
  state.plan = [revoke];
  transition('planned', `Plan: 1. ${revoke.action} — ${revoke.reason}`);

  if (request.dryRun) {
    const result = await security.revokeIngressRule({ rule, incidentId: state.incidentId, dryRun: true });
    steps.push({
      step: 1,
      action: revoke.action,
      resourceId: rule.groupId,
      reason: revoke.reason,
      startedAt: now(),
      finishedAt: now(),
      outcome: 'dry-run',
      detail: result.detail,
    });
    return finish('dry_run', `Dry run: ${result.detail}; nothing was changed.`);
  }
  if (state.mode === 'manual') {
    const timeout = request.approvalTimeout ?? '30m';
    const decision = await awaitOneDecision({ state, decided, transition, record, emit, timeout });
    if (!decision) return finish('escalated', `No decision within ${timeout}; the rule is still open.`);
    if (decision.decision === 'decline')
      return finish('declined', `Declined by ${decision.by}; the rule was left in place.`);
    if (decision.decision === 'manual') return finish('manual', `${decision.by} is handling it by hand.`);
  }

  transition('remediating', `Step 1: ${revoke.action}`);
  const startedAt = now();
  const revoked = await security.revokeIngressRule({ rule, incidentId: state.incidentId });
  const revokeRecord = (outcome: StepRecord['outcome'], detail: string): StepRecord => ({
    step: 1,
    action: revoke.action,
    resourceId: rule.groupId,
    reason: revoke.reason,
    startedAt,
    finishedAt: now(),
    outcome,
    detail,
  });
  transition('verifying', `Step 1 done (${revoked.detail}); verifying the port is closed`);
  // Two checks in a row: the revoke is visible at once on EC2, the second read guards a stale one.
  let closed = true;
  for (let check = 0; check < 2 && closed; check++) {
    if (check > 0) await sleep('2 seconds');
    closed = !(await security.ruleIsPresent(rule));
  }
  if (closed) {
    steps.push(revokeRecord('succeeded', revoked.detail));
    if (patched('infra-drift'))
      await proposeInfraChange(state, { kind: 'ingress-revoked', groupId: rule.groupId, rule }, (message) =>
        record(message),
      );
    return finish(
      'resolved',
      `The rule is revoked: ${describeRule(rule)} no longer reaches the group. To restore it, authorise the same rule again (recorded on the group as a medic:revoked tag).`,
    );
  }
  // Verification failed: run the compensation in reverse order and hand over to a person.
  steps.push(revokeRecord('failed', `${revoked.detail}; the rule is still there`));
  const restored = await security.restoreIngressRule({ rule });
  steps.push({
    step: 2,
    action: 'restore-ingress-rule',
    resourceId: rule.groupId,
    reason: 'Compensation: the revoke could not be verified, so the group is put back as it was.',
    startedAt: now(),
    finishedAt: now(),
    outcome: 'succeeded',
    detail: restored.detail,
  });
  return finish(
    'escalated',
    'The revoke could not be verified; the compensation restored the rule and a person must look.',
  );
}
