import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  HealthCheckResult,
  MedicActivities,
  IncidentPolicy,
  NotificationInput,
  RemediationResult,
} from '../activities';
import {
  isDecision,
  defaultSeverity,
  type Decision,
  type Diagnosis,
  type IncidentKind,
  type IncidentReport,
  type IncidentRequest,
  type IncidentState,
  type IncidentStatus,
  type Mode,
  type RemediationAction,
  type InstanceAction,
  isInstanceAction,
  isDemandSurge,
  type RemediationStep,
  type StepRecord,
  type TimelineEntry,
} from '../domain/incident';
import { approvalsRequired, checkDecision, planHash } from '../domain/approval';
import { parseDuration } from '../domain/duration';
import { chainFor } from '../domain/escalation';
import { forcedManualReason, resolveMode, suspicionReason } from '../domain/mode';
import { resolveModeWithAutonomy } from '../domain/autonomy';
import { explainEmptyPlan, planRemediation, type PlanHistory, type PlanOptions } from '../domain/planner';
import {
  buildReport,
  closingNotification,
  decisionRequestBody,
  healedBy,
  planlessAction,
} from '../domain/report';
import {
  alertSignal,
  decisionUpdate,
  incidentStateQuery,
  DECISION_REFUSED,
  INVALID_DECISION,
  MAX_TIMELINE_NOTE,
  NOT_AWAITING_DECISION,
  timelineNoteSignal,
  type DecisionAck,
} from './messages';
import { leaseClient } from './lease';
import { CATALOGUE } from '../domain/catalogue';
import { approvalWaitSeconds, lifecycleEmitter } from './lifecycle-emitter';
import { NOTIFICATION_OPTIONS, OBSERVATION_OPTIONS, REMEDIATION_OPTIONS } from './activity-options';
import { MEDIC_MODE, MEDIC_SEVERITY, MEDIC_STATUS } from './search-attributes';
import { driftSourceOf } from '../domain/infra-change';
import { proposeInfraChange } from './infra-proposal';
import { describeRanking, modelsBehind } from '../domain/rootcause/report';
import { failureMessage } from './failure-message';
import { guidePlan, POLICY_GUIDED_KINDS } from '../domain/policy/guided-plan';

const remediation = proxyActivities<MedicActivities>(REMEDIATION_OPTIONS);
const observation = proxyActivities<MedicActivities>(OBSERVATION_OPTIONS);
const notification = proxyActivities<MedicActivities>(NOTIFICATION_OPTIONS);

const MAX_ALERTS_KEPT = 20;
const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_LEASE_WAIT_MS = 10 * 60_000;

const ACTIONS: Record<
  InstanceAction,
  (input: { instanceId: string; idempotencyKey: string; dryRun?: boolean }) => Promise<RemediationResult>
> = {
  'start-instance': (i) => remediation.startInstance(i),
  'reboot-instance': (i) => remediation.rebootInstance(i),
  'stop-start-instance': (i) => remediation.stopStartInstance(i),
  'replace-instance': (i) => remediation.replaceInstance(i),
  'stop-instance': (i) => remediation.stopInstance(i),
  'quarantine-instance': (i) => remediation.quarantineInstance(i),
  'resize-instance': (i) => remediation.resizeInstance(i),
  'downsize-instance': (i) => remediation.downsizeInstance(i),
  'scale-out-group': (i) => remediation.scaleOutGroup(i),
  'restore-from-snapshot': (i) => remediation.restoreFromSnapshot(i),
  'expand-volume': (i) => remediation.expandVolume(i),
};

/** The instance planner only plans instance actions; anything else is a bug, not something to retry. */
function instanceActionFor(action: RemediationAction) {
  if (!isInstanceAction(action))
    throw ApplicationFailure.nonRetryable(`${action} is not an instance action`, 'NotAnInstanceAction');
  return ACTIONS[action];
}

/**
 * One incident from detection to its final report. detected → diagnosing → planned →
 * [awaiting_approval] → remediating ⇄ verifying → resolved | failed | declined | escalated | manual.
 */
export async function incidentWorkflow(request: IncidentRequest): Promise<IncidentReport> {
  const info = workflowInfo();
  const now = () => new Date().toISOString();
  const state: IncidentState = {
    incidentId: info.workflowId,
    resourceId: request.resourceId,
    kind: request.kind,
    severity: request.severity ?? defaultSeverity(request.kind),
    mode: request.mode ?? 'auto',
    status: 'detected',
    summary: request.summary ?? `${request.kind} on ${request.resourceId}`,
    openedAt: now(),
    plan: [],
    timeline: [],
    alerts: [{ source: request.source ?? 'api', summary: request.summary ?? request.kind, at: now() }],
  };
  let alertsReceived = 1;
  let decision: (Decision & { at: string }) | undefined;

  const record = (message: string, extra: Partial<TimelineEntry> = {}) => {
    state.timeline.push({ at: now(), status: state.status, message, ...extra });
  };
  const transition = (status: IncidentStatus, message: string, extra: Partial<TimelineEntry> = {}) => {
    state.status = status;
    upsertSearchAttributes([{ key: MEDIC_STATUS, value: status }]);
    record(message, extra);
    log.info('incident transition', { incidentId: state.incidentId, status, message });
  };

  // Notifications while the incident waits run beside it (decision 0018): a receiver that hangs
  // must not keep the incident from accepting decisions. Pending ones finish before the report.
  const backgroundNotify = patched('background-notify');
  const pendingNotifications: Promise<void>[] = [];
  const notifyInBackground = (input: NotificationInput, describe: (detail: string) => string) => {
    pendingNotifications.push(
      notification.notify(input).then(
        (sent) => record(describe(sent.detail), { outcome: 'info' }),
        (err: unknown) => record(describe(`not delivered: ${(err as Error).message}`), { outcome: 'info' }),
      ),
    );
  };

  const emit = lifecycleEmitter(
    state,
    (message) => record(message, { outcome: 'info' }),
    pendingNotifications,
  );

  setHandler(incidentStateQuery, () => state);
  const leases = leaseClient();
  setHandler(alertSignal, (alert) => {
    const count = Math.max(1, Math.floor(alert.count ?? 1));
    alertsReceived += count;
    state.alertCount = alertsReceived;
    state.alerts.push(alert);
    if (state.alerts.length > MAX_ALERTS_KEPT) state.alerts.shift();
    if (state.closedAt !== undefined && alert.status !== 'resolved') {
      state.repeatsAfterClose = (state.repeatsAfterClose ?? 0) + count;
      if (state.repeatsAfterClose <= MAX_ALERTS_KEPT || state.repeatsAfterClose % 100 === 0)
        record(
          `The alert came back within the cool-down after this incident closed (${state.repeatsAfterClose} time(s)): recorded here, not opened anew. ${alert.summary}`,
          { outcome: 'info' },
        );
      return;
    }
    // Under an alert storm the timeline notes the first repeats and then every hundredth, so it
    // stays readable and bounded; the alert count stays exact.
    if (alert.status !== 'resolved' && alertsReceived > MAX_ALERTS_KEPT && alertsReceived % 100 !== 0) return;
    const message =
      alert.status === 'resolved'
        ? `The source reports the alert resolved: ${alert.summary}`
        : `Repeat alert joined this incident (${alertsReceived} in all): ${alert.summary}`;
    record(message, { outcome: 'info' });
  });
  setHandler(timelineNoteSignal, (note) => {
    record(String(note).slice(0, MAX_TIMELINE_NOTE), { outcome: 'info' });
  });
  // Quorum approvals bound to the plan hash; with one approver needed (the default) a single
  // approve decides, as before.
  const quorumApprovals = patched('quorum-approvals');
  setHandler(
    decisionUpdate,
    (incoming): DecisionAck => {
      if (quorumApprovals && incoming.decision === 'approve') {
        const approvals = (state.approvals ??= []);
        approvals.push({
          by: incoming.by.trim(),
          at: now(),
          reason: incoming.reason,
          planHash: state.planHash ?? '',
        });
        const required = state.approvalsRequired ?? 1;
        record(`Approved by ${incoming.by.trim()} (${approvals.length} of ${required})`, { outcome: 'info' });
        if (approvals.length < required)
          return { accepted: true, status: 'awaiting_approval', approvals: approvals.length, required };
      }
      decision = { ...incoming, at: now() };
      state.decision = decision;
      const next: IncidentStatus =
        incoming.decision === 'approve'
          ? 'remediating'
          : incoming.decision === 'decline'
            ? 'declined'
            : 'manual';
      return { accepted: true, status: next };
    },
    {
      validator: (incoming: unknown) => {
        if (!isDecision(incoming)) {
          throw ApplicationFailure.create({
            type: INVALID_DECISION,
            message: 'decision must be approve, decline or manual, with a non-empty "by"',
          });
        }
        if (state.status !== 'awaiting_approval' || decision !== undefined) {
          throw ApplicationFailure.create({
            type: NOT_AWAITING_DECISION,
            message: `Incident is ${state.status}, not awaiting a decision`,
          });
        }
        if (quorumApprovals) {
          const check = checkDecision(
            incoming,
            state.approvals ?? [],
            state.planHash ?? '',
            state.approvalsRequired ?? 1,
          );
          if (!check.ok) throw ApplicationFailure.create({ type: DECISION_REFUSED, message: check.reason });
        }
      },
    },
  );

  record(`Incident opened: ${state.summary}`, { outcome: 'info' });
  const policy: IncidentPolicy = await observation.loadIncidentPolicy();
  const incidentLink = `${policy.temporalUiUrl}/namespaces/${policy.namespace}/workflows/${encodeURIComponent(info.workflowId)}/${info.runId}`;

  transition('diagnosing', `Reading the state, status checks and recent metrics of ${request.resourceId}`);
  const diagnosisInput = {
    instanceId: request.resourceId,
    lookbackMinutes: 15,
    // Only the new kind asks: every recorded history's input stays as it was.
    ...(request.kind === 'egress-surge' ? { outboundFlows: true } : {}),
  };
  const diagnosis = await observation.diagnoseInstance(diagnosisInput);
  state.diagnosis = diagnosis;
  let recentIncidents: number | undefined;
  if (patched('circuit-breaker')) {
    recentIncidents = await observation.countRecentIncidents({
      resourceId: request.resourceId,
      windowMinutes: policy.circuitBreakerWindowMinutes ?? 60,
    });
  }
  // Reallocation (decision 0029): a cpu-high that came back after an earlier one was healed is
  // planned as a resize, so the planner needs the resource's recent cpu-high count.
  const history: PlanHistory = {};
  // Decision 0040: a diagnosis showing memory pressure adds a resize to the plan.
  const planOptions: PlanOptions = { memoryResize: patched('memory-resize-in-plan') };
  if (request.kind === 'cpu-high' && patched('reallocate'))
    history.recentSameKind = await observation.countRecentIncidents({
      resourceId: request.resourceId,
      windowMinutes: policy.circuitBreakerWindowMinutes ?? 60,
      kind: 'cpu-high',
    });
  // A kind decided by a person is newer than every recorded history: no replay sees it change.
  const forcedManual =
    forcedManualReason(diagnosis.protected, recentIncidents, {
      threshold: policy.circuitBreakerThreshold ?? 3,
      windowMinutes: policy.circuitBreakerWindowMinutes ?? 60,
    }) ?? suspicionReason(request.kind);
  // Progressive autonomy: the plan's governed action types may decide the mode (decision 0016).
  let autonomyMode: Mode | undefined;
  const useAutonomy = patched('progressive-autonomy');
  if (useAutonomy && !forcedManual && request.mode === undefined && diagnosis.modeTag !== 'manual')
    autonomyMode = await observation.autonomyModeFor({
      actions: planRemediation(request.kind, diagnosis, history, planOptions).map((s) => s.action),
    });
  state.mode = forcedManual
    ? 'manual'
    : useAutonomy
      ? resolveModeWithAutonomy(request.mode, diagnosis.modeTag, autonomyMode, policy.defaultMode)
      : resolveMode(request.mode, diagnosis.modeTag, policy.defaultMode);
  if (autonomyMode)
    record(`Progressive autonomy: the plan's action types are ${autonomyMode.toUpperCase()} by policy.`, {
      outcome: 'info',
    });
  if (forcedManual) record(`MANUAL whatever was asked: ${forcedManual}.`, { outcome: 'info' });
  upsertSearchAttributes([
    { key: MEDIC_MODE, value: state.mode },
    { key: MEDIC_SEVERITY, value: state.severity },
  ]);
  record(`Diagnosis: ${diagnosis.findings.join(' ')} Mode ${state.mode.toUpperCase()}.`, { outcome: 'info' });
  emit('incident.opened', { summary: state.summary, findings: diagnosis.findings.join(' ') });
  // A resource that does not exist has no fleet to rank in.
  if (diagnosis.exists && patched('root-cause-ranking')) {
    state.models = modelsBehind(request);
    try {
      const ranking = await observation.rankRootCause({ resourceId: request.resourceId });
      if (ranking) {
        state.rootCause = ranking;
        state.models.rootcause = ranking.modelVersion;
        record(describeRanking(ranking, request.resourceId), { outcome: 'info' });
      }
    } catch (err) {
      record(`Root-cause ranking unavailable: ${failureMessage(err)}`, { outcome: 'info' });
    }
  }

  const finish = async (
    status: IncidentStatus,
    conclusion: string,
    steps: StepRecord[],
    actionTaken?: string,
  ): Promise<IncidentReport> => {
    transition(status, conclusion);
    state.report = buildReport(state, steps, conclusion, actionTaken);
    emit('incident.closed', { outcome: status, conclusion, steps: steps.length });
    if (useAutonomy) {
      const approvedByPerson = decision?.decision === 'approve' && decision.by !== 'escalation-policy';
      for (const step of steps)
        if (step.outcome === 'succeeded' || step.outcome === 'failed')
          await observation.recordActionOutcome({
            action: step.action,
            incidentId: state.incidentId,
            approved: approvedByPerson,
            succeeded: step.outcome === 'succeeded',
            at: now(),
          });
    }
    await Promise.all(pendingNotifications);
    const closing = closingNotification(state, state.report, status, incidentLink);
    const sent = await notification.notify(closing);
    record(`Notified: ${closing.headline} (${sent.detail})`, { outcome: 'info' });
    if (patched('flap-cooldown')) {
      state.closedAt = now();
      // Staying open (and queryable) through the cool-down is what lets a repeat alert join this
      // incident instead of starting a new one.
      const cooldownMs = parseDuration(policy.flapCooldown ?? '0') ?? 0;
      if (cooldownMs > 0) await sleep(cooldownMs);
      state.report = buildReport(state, steps, conclusion, actionTaken);
    }
    await condition(allHandlersFinished);
    return state.report;
  };

  // The learned policy may reorder the planner's applicable actions (decision 0035); without a
  // promoted policy the runbook order stands.
  const usePolicy = diagnosis.exists && patched('policy-guided-plan');
  const guided = async (plan: RemediationStep[], seen: Diagnosis): Promise<RemediationStep[]> => {
    if (!usePolicy || plan.length < 2 || !POLICY_GUIDED_KINDS.includes(request.kind)) return plan;
    try {
      const advice = await observation.adviseRemediation({
        kind: request.kind,
        diagnosis: seen,
        actions: plan.map((s) => s.action),
      });
      if (!advice) return plan;
      state.models = { ...state.models, 'remediation-policy': advice.version };
      const { plan: ordered, note } = guidePlan(plan, advice);
      if (note) record(note, { outcome: 'info' });
      return ordered;
    } catch (err) {
      record(`Remediation policy unavailable (${failureMessage(err)}); the runbook order stands.`, {
        outcome: 'info',
      });
      return plan;
    }
  };

  /**
   * Why `instanceId` needs nothing more when its Auto Scaling group, on its balancer's health checks,
   * went on without it (decision 0068); undefined when it is still there, or not in a group.
   */
  const replacedByItsGroup = async (instanceId: string): Promise<string | undefined> => {
    const group = state.diagnosis?.autoScalingGroup;
    if (!group || !patched('replaced-by-its-group')) return undefined;
    const judged = await observation.replacedByItsGroup({ instanceId, group });
    return judged.replaced ? judged.detail : undefined;
  };

  state.plan = await guided(planRemediation(request.kind, diagnosis, history, planOptions), diagnosis);
  if (state.plan.length === 0) {
    transition('planned', 'No safe remediation applies.');
    const stillBroken =
      !diagnosis.exists || diagnosis.state === 'terminated' || diagnosis.state === 'shutting-down';
    // Gone before the first step: its group on balancer health checks may already have replaced it.
    const replaced = stillBroken ? await replacedByItsGroup(request.resourceId) : undefined;
    if (replaced)
      return finish(
        'resolved',
        `${replaced}. Nothing is left for cloud-medic to do.`,
        [],
        planlessAction('resolved'),
      );
    // A surge with no capacity to add is not over: a person decides. (A kind newer than every recorded
    // history, so no replay takes this branch differently: no patch.)
    const forAPerson = isDemandSurge(request.kind) && diagnosis.state === 'running';
    const outcome = stillBroken ? 'failed' : forAPerson ? 'escalated' : 'resolved';
    return finish(outcome, explainEmptyPlan(request.kind, diagnosis), [], planlessAction(outcome));
  }
  transition('planned', `Plan: ${state.plan.map((s, i) => `${i + 1}. ${s.action} — ${s.reason}`).join(' ')}`);

  if (request.dryRun)
    return finish('dry_run', ...(await dryRunPlan(state.plan, request.resourceId, info.workflowId)));

  if (state.mode === 'manual') {
    const approvalTimeout = request.approvalTimeout ?? policy.approvalTimeout;
    const bindPlan = () => {
      if (!quorumApprovals) return;
      state.planHash = planHash(request.resourceId, request.kind, state.plan);
      state.approvalsRequired = approvalsRequired(state.plan, policy.quorum ?? {});
      state.approvals = [];
    };
    bindPlan();
    // An escalation chain replaces the single approval timeout unless the request set one.
    const useChain = patched('escalation-chain');
    const chain =
      useChain && !request.approvalTimeout ? chainFor(policy.escalation ?? {}, state.severity) : undefined;
    // AWS delivers flow logs minutes after the traffic: an outbound surge to a trusted destination is
    // usually proven only after the person was asked. Its flow logs are read again while it waits; the
    // proof closes the incident as the first diagnosis would have (decision 0060).
    /** Reads `probe` every `seconds` until someone decides or it finds its proof. */
    const recheckWhileWaiting = (seconds: number, probe: () => Promise<boolean>) =>
      void (async () => {
        let proven = false;
        while (decision === undefined && !proven) {
          await sleep(seconds * 1000);
          if (decision !== undefined) return;
          try {
            proven = await probe();
          } catch {
            // Unreadable now: the person still decides, and the next read may succeed.
          }
        }
      })();
    let trustedProof: Diagnosis | undefined;
    const recheckSeconds = request.kind === 'egress-surge' ? policy.trustedEgressRecheckSeconds : undefined;
    if (recheckSeconds !== undefined && patched('trusted-egress-recheck'))
      recheckWhileWaiting(recheckSeconds, async () => {
        const fresh = await observation.diagnoseInstance(diagnosisInput);
        if (fresh.trustedEgress) trustedProof = fresh;
        return trustedProof !== undefined;
      });
    // A member not serving may serve again before anyone answers: the dependency every member shares
    // came back (decision 0067). A request served since the incident opened closes it, before a
    // person, or an escalation policy that acts, restarts an instance that serves (decision 0069).
    let servingAgain: HealthCheckResult | undefined;
    const servingRecheck = request.kind === 'not-serving' ? policy.notServingRecheckSeconds : undefined;
    if (servingRecheck !== undefined && patched('not-serving-recheck'))
      recheckWhileWaiting(servingRecheck, async () => {
        const check = await observation.checkHealth({
          instanceId: request.resourceId,
          kind: 'not-serving',
          since: state.openedAt,
          servedOnly: true,
        });
        if (check.healthy) servingAgain = check;
        return check.healthy;
      });
    const answeredOrProven = () =>
      decision !== undefined || trustedProof !== undefined || servingAgain !== undefined;
    // A plan that changes after approval invalidates the approvals; after this many changes the
    // incident stops asking and escalates.
    const MAX_PLAN_CHANGES = 2;
    for (let round = 0; ; round++) {
      const needs =
        (state.approvalsRequired ?? 1) > 1 ? ` (${state.approvalsRequired} distinct approvers)` : '';
      const ask: NotificationInput = {
        incidentId: state.incidentId,
        severity: state.severity,
        headline: `${state.incidentId} needs a decision${needs}`,
        body: decisionRequestBody(state, chain?.levels[0]?.after ?? approvalTimeout),
        // Where the person can approve: the console when it is known, else the Web UI.
        link: policy.consoleUrl
          ? `${policy.consoleUrl}/#/incidents/${encodeURIComponent(info.workflowId)}`
          : incidentLink,
        ...(chain ? { to: chain.levels[0]?.notify } : {}),
      };
      if (backgroundNotify) {
        // Decisions are accepted from the moment the incident waits; a slow receiver only delays
        // the timeline line that says how the message went.
        transition(
          'awaiting_approval',
          `Waiting for approve, decline or manual${needs} (timeout ${approvalTimeout})`,
        );
        notifyInBackground(ask, (detail) => `Asked for a decision: ${detail}`);
      } else {
        const sent = await notification.notify(ask);
        transition(
          'awaiting_approval',
          `Waiting for approve, decline or manual${needs} (timeout ${approvalTimeout}); notification: ${sent.detail}`,
        );
      }
      let decided = false;
      if (chain) {
        for (const [level, step] of chain.levels.entries()) {
          if (level > 0) {
            const escalation: NotificationInput = {
              incidentId: state.incidentId,
              severity: state.severity,
              headline: `${state.incidentId} still needs a decision (escalated)`,
              body: `No answer from ${chain.levels[level - 1]?.notify} within ${chain.levels[level - 1]?.after}. ${state.summary}`,
              link: incidentLink,
              to: step.notify,
            };
            const escalated = (detail: string) =>
              `Escalated to ${step.notify}: no answer within ${chain.levels[level - 1]?.after} (${detail})`;
            if (backgroundNotify) notifyInBackground(escalation, escalated);
            else record(escalated((await notification.notify(escalation)).detail), { outcome: 'info' });
          }
          decided = await condition(
            answeredOrProven,
            parseDuration(step.after) ?? DEFAULT_APPROVAL_TIMEOUT_MS,
          );
          if (decided) break;
        }
        const asked = chain.levels.map((l) => l.notify).join(', then ');
        if (!decided && chain.finally === 'decline')
          return finish(
            'escalated',
            `No decision from ${asked}; the ${state.severity} escalation policy's safe default is to leave the resource alone.`,
            [],
          );
        if (!decided) {
          decision = {
            decision: 'approve',
            by: 'escalation-policy',
            reason: `no answer from ${asked}; the ${state.severity} policy says act`,
            at: now(),
          };
          state.decision = decision;
          decided = true;
        }
      } else {
        decided = await condition(
          answeredOrProven,
          parseDuration(approvalTimeout) ?? DEFAULT_APPROVAL_TIMEOUT_MS,
        );
      }
      if (trustedProof?.trustedEgress && decision === undefined) {
        state.diagnosis = trustedProof;
        // The proof answers the question: the isolation planned for a suspicion no longer applies.
        state.plan = [];
        record(`Flow logs delivered since the question: ${trustedProof.outboundFlows ?? ''}`, {
          outcome: 'info',
        });
        return finish('resolved', trustedProof.trustedEgress, [], planlessAction('resolved'));
      }
      if (servingAgain && decision === undefined) {
        state.plan = [];
        return finish(
          'resolved',
          `${servingAgain.detail}: it recovered while waiting for a person, so the planned restart is not needed.`,
          [],
          planlessAction('resolved'),
        );
      }
      if (!decided || !decision) {
        return finish(
          'escalated',
          `No decision within ${approvalTimeout}; escalated without touching the resource.`,
          [],
        );
      }
      const approvers = (state.approvals ?? []).map((a) => a.by);
      const who = `${approvers.length > 1 ? approvers.join(', ') : decision.by}${decision.reason ? `: ${decision.reason}` : ''}`;
      record(`Decision ${decision.decision} by ${who}`, { outcome: 'info' });
      emit('incident.decision', {
        decision: decision.decision,
        by: decision.by,
        reason: decision.reason,
        waitedSeconds: approvalWaitSeconds(state, decision.at),
      });
      if (decision.decision === 'decline')
        return finish('declined', `Declined by ${who}; nothing was changed.`, []);
      if (decision.decision === 'manual')
        return finish('manual', `${who} is handling it by hand; cloud-medic changed nothing.`, []);
      if (!quorumApprovals) break;
      // Approved: act only if the plan is still the one that was approved.
      const fresh = await observation.diagnoseInstance(diagnosisInput);
      const freshPlan = await guided(planRemediation(request.kind, fresh, history, planOptions), fresh);
      if (planHash(request.resourceId, request.kind, freshPlan) === state.planHash) break;
      state.diagnosis = fresh;
      if (freshPlan.length === 0) return finish('resolved', explainEmptyPlan(request.kind, fresh), []);
      if (round >= MAX_PLAN_CHANGES)
        return finish(
          'escalated',
          'The plan kept changing while waiting for approval; escalated without acting.',
          [],
        );
      const invalidated = state.approvals?.length ?? 0;
      state.plan = freshPlan;
      bindPlan();
      decision = undefined;
      state.decision = undefined;
      record(
        `The resource changed since the plan was approved: ${invalidated} approval(s) no longer count. New plan: ${state.plan.map((s) => s.action).join(', then ')}.`,
        { outcome: 'info' },
      );
    }
  }

  /** One remediation step: act, then verify on evidence from after the action. */
  const runStep = async (
    planned: RemediationStep,
    number: number,
    target: string,
    idempotencyKey: string,
    startedAt: string,
  ): Promise<{ record: StepRecord; target: string }> => {
    const base = { step: number, action: planned.action, reason: planned.reason, startedAt };
    let result: RemediationResult;
    try {
      result = await instanceActionFor(planned.action)({ instanceId: target, idempotencyKey });
    } catch (err) {
      const detail = failureMessage(err);
      record(`Step ${number} failed: ${detail}`, { step: number, outcome: 'failed' });
      return {
        record: { ...base, resourceId: target, finishedAt: now(), outcome: 'failed', detail },
        target,
      };
    }
    const healedTarget = result.newInstanceId ?? target;
    // Evidence counts from the moment the action finished: datapoints from while it ran describe
    // the fault it was fixing.
    const actedAt = now();
    transition('verifying', `Step ${number} done (${result.detail}); verifying ${healedTarget}`, {
      step: number,
    });
    const verdict = await verifyHealth(healedTarget, request.kind, actedAt, policy);
    record(`Verification ${verdict.healthy ? 'passed' : 'failed'}: ${verdict.detail}`, {
      step: number,
      outcome: verdict.healthy ? 'succeeded' : 'failed',
    });
    return {
      record: {
        ...base,
        resourceId: healedTarget,
        finishedAt: now(),
        outcome: verdict.healthy ? 'succeeded' : 'not-verified',
        detail: `${result.detail}; ${verdict.detail}`,
      },
      target: healedTarget,
    };
  };

  const steps: StepRecord[] = [];
  let target = request.resourceId;
  const useBudget = patched('blast-radius-budget');
  if (useBudget) await observation.ensureRemediationBudget();
  for (const [index, planned] of state.plan.entries()) {
    const number = index + 1;
    const leaseId = `${info.workflowId}/${info.runId}/step-${number}`;
    if (useBudget) {
      record(`Step ${number}: asking the fleet-wide blast-radius budget for a remediation slot`, {
        step: number,
      });
      const leaseWait = policy.leaseWait ?? '10m';
      const destructive = planned.action === 'replace-instance';
      const granted = await leases.acquire(
        {
          leaseId,
          incidentWorkflowId: info.workflowId,
          resourceId: target,
          destructive,
          severity: state.severity,
        },
        parseDuration(leaseWait) ?? DEFAULT_LEASE_WAIT_MS,
      );
      if (!granted) {
        return finish(
          'escalated',
          `No remediation slot within ${leaseWait}: the fleet-wide blast-radius budget is in use; step ${number} (${planned.action}) was not run.`,
          steps,
        );
      }
    }
    const startedAt = now();
    transition('remediating', `Step ${number}: ${planned.action} on ${target} — ${planned.reason}`, {
      step: number,
      outcome: 'started',
    });
    const outcome = await runStep(planned, number, target, leaseId, startedAt);
    if (useBudget) await leases.release(leaseId);
    steps.push(outcome.record);
    emit('incident.action', {
      action: outcome.record.action,
      target: outcome.record.resourceId,
      outcome: outcome.record.outcome,
      detail: outcome.record.detail,
    });
    target = outcome.target;
    if (outcome.record.outcome === 'succeeded') {
      const drift = driftSourceOf(planned.action, target);
      if (drift && policy.infraRepoConfigured && patched('infra-drift'))
        await proposeInfraChange(state, drift, (message) => record(message, { outcome: 'info' }));
      return finish('resolved', healedBy(planned.action, number, state.plan.length), steps);
    }
    // A group on its balancer's health checks may have replaced the member meanwhile: then it is
    // healed, and the next step would act on an instance that is gone.
    const replaced = await replacedByItsGroup(target);
    if (replaced)
      return finish(
        'resolved',
        `${replaced}. Nothing is left for cloud-medic to do; step ${number} (${planned.action}) did not heal it.`,
        steps,
      );
  }
  // The saga: what the catalogue says can be undone is undone, newest first, and a person takes over.
  if (patched('saga-compensation')) {
    const undone: string[] = [];
    for (const done of [...steps].reverse()) {
      const compensation = compensationOf(done.action);
      if (!compensation || done.outcome === 'failed') continue;
      const startedAt = now();
      const key = `${info.workflowId}/${info.runId}/compensate-${done.step}`;
      record(`Compensating step ${done.step} (${done.action}) with ${compensation}`, {
        step: done.step,
        outcome: 'started',
      });
      try {
        const result = await instanceActionFor(compensation)({
          instanceId: done.resourceId,
          idempotencyKey: key,
        });
        steps.push({
          step: steps.length + 1,
          action: compensation,
          resourceId: done.resourceId,
          reason: `Compensation of step ${done.step} (${done.action}), which did not heal the resource.`,
          startedAt,
          finishedAt: now(),
          outcome: 'succeeded',
          detail: result.detail,
        });
        undone.push(`${done.action} by ${compensation}`);
      } catch (err) {
        record(`Compensation ${compensation} failed: ${failureMessage(err)}`, {
          step: done.step,
          outcome: 'failed',
        });
      }
    }
    if (undone.length)
      return finish(
        'escalated',
        `Every step of the plan was tried and ${target} is still unhealthy; undid ${undone.join(', ')} and escalated to a person.`,
        steps,
      );
  }
  return finish(
    'failed',
    `Every step of the plan was tried and ${target} is still unhealthy; a person must look.`,
    steps,
  );
}

/** The catalogue's compensation of an instance action, when it has one. */
function compensationOf(action: RemediationAction): RemediationAction | undefined {
  const compensation = CATALOGUE.find((e) => e.action === action)?.compensation;
  return typeof compensation === 'string' ? compensation : undefined;
}

/** Healthy checks in a row before we call it healed: one quiet poll right after an action proves little. */
const CONFIRMATIONS = 2;

/** Polls health on durable timers until it is confirmed or the verification deadline passes. */
async function verifyHealth(instanceId: string, kind: IncidentKind, since: string, policy: IncidentPolicy) {
  const attempts = Math.max(
    CONFIRMATIONS,
    Math.ceil(policy.verifyTimeoutSeconds / policy.verifyIntervalSeconds),
  );
  let last = { healthy: false, detail: 'not checked' };
  let healthyInARow = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    last = await observation.checkHealth({ instanceId, kind, since });
    healthyInARow = last.healthy ? healthyInARow + 1 : 0;
    if (healthyInARow >= CONFIRMATIONS) return last;
    if (attempt < attempts) await sleep(`${policy.verifyIntervalSeconds} seconds`);
  }
  return {
    healthy: false,
    detail: `not healthy ${CONFIRMATIONS} checks in a row within ${policy.verifyTimeoutSeconds}s: ${last.detail}`,
  };
}

/** Each planned step asked of EC2 with DryRun: what would run, and whether EC2 would allow it. */
async function dryRunPlan(
  plan: RemediationStep[],
  resourceId: string,
  workflowId: string,
): Promise<[string, StepRecord[]]> {
  const steps: StepRecord[] = [];
  for (const [index, planned] of plan.entries()) {
    const startedAt = new Date().toISOString();
    let detail: string;
    try {
      detail = (
        await instanceActionFor(planned.action)({
          instanceId: resourceId,
          idempotencyKey: `${workflowId}/dry-run/step-${index + 1}`,
          dryRun: true,
        })
      ).detail;
    } catch (err) {
      detail = `dry run check failed: ${failureMessage(err)}`;
    }
    steps.push({
      step: index + 1,
      action: planned.action,
      resourceId,
      reason: planned.reason,
      startedAt,
      finishedAt: new Date().toISOString(),
      outcome: 'dry-run',
      detail,
    });
  }
  return [
    `Dry run: nothing was changed. Would run ${plan.map((s) => s.action).join(', then ')}, each until verification passes.`,
    steps,
  ];
}
