import { proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { COMPLIANCE_CONTROLS, describeFinding, type ComplianceFinding } from '../domain/compliance';
import type { IncidentReport, IncidentState, Mode, RemediationAction, StepRecord } from '../domain/incident';
import { awaitOneDecision } from './await-decision';
import { incidentCloser } from './incident-closer';
import { lifecycleEmitter } from './lifecycle-emitter';
import { alertSignal, incidentStateQuery } from './messages';
import { MEDIC_MODE, MEDIC_SEVERITY } from './search-attributes';
import { acceptOneDecision } from './single-decision';
import { incidentTimeline } from './timeline';

const compliance = proxyActivities<MedicActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '20 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['NoAutomaticFix', 'FlowLogsRefused'],
  },
});

export interface ComplianceScanRequest {
  fleet: string;
  /** Mode of the incidents it opens; MANUAL by default (a bucket setting can break a consumer). */
  mode?: Mode;
}

export interface ComplianceScanResult {
  fleet: string;
  findings: (ComplianceFinding & { incidentId: string; created: boolean })[];
}

/**
 * One compliance pass over a fleet (run on a Temporal Schedule): read the fleet, and open one
 * incident per violated control and resource, joining those a previous scan opened.
 */
export async function complianceScanWorkflow(request: ComplianceScanRequest): Promise<ComplianceScanResult> {
  const findings = await compliance.scanCompliance({ fleet: request.fleet });
  const opened: ComplianceScanResult['findings'] = [];
  for (const finding of findings) {
    const incident = await compliance.openComplianceIncident({
      finding,
      fleet: request.fleet,
      mode: request.mode,
    });
    opened.push({ ...finding, ...incident });
  }
  return { fleet: request.fleet, findings: opened };
}

export interface ComplianceFindingRequest {
  finding: ComplianceFinding;
  fleet: string;
  mode?: Mode;
  source?: string;
  approvalTimeout?: string;
}

/**
 * The incident of one violated control: check it is still violated, then either apply the
 * control's fix (after approval in MANUAL) and verify it by reading the setting again, or, for a
 * control no API call can fix safely, hand it to a person with the procedure.
 */
export async function complianceFindingWorkflow(request: ComplianceFindingRequest): Promise<IncidentReport> {
  const { finding, fleet } = request;
  const control = COMPLIANCE_CONTROLS[finding.control];
  const now = () => new Date().toISOString();
  const state: IncidentState = {
    incidentId: workflowInfo().workflowId,
    resourceId: finding.resourceId,
    kind: 'compliance-violation',
    severity: finding.severity,
    mode: request.mode ?? 'manual',
    status: 'detected',
    summary: `Compliance: ${describeFinding(finding)}`,
    openedAt: now(),
    plan: [],
    timeline: [],
    alerts: [{ source: request.source ?? 'compliance-scan', summary: finding.detail, at: now() }],
  };
  const { record, transition } = incidentTimeline(state);
  const pending: Promise<void>[] = [];
  const emit = lifecycleEmitter(state, (message) => record(message), pending);
  setHandler(incidentStateQuery, () => state);
  setHandler(alertSignal, (alert) => {
    state.alertCount = (state.alertCount ?? 1) + Math.max(1, alert.count ?? 1);
    record(`A later scan found it again (${state.alertCount} in all)`);
  });
  const decided = acceptOneDecision(state);
  upsertSearchAttributes([
    { key: MEDIC_MODE, value: state.mode },
    { key: MEDIC_SEVERITY, value: state.severity },
  ]);
  record(`Incident opened: ${state.summary}`);
  emit('incident.opened', { summary: state.summary });

  const steps: StepRecord[] = [];
  const finish = incidentCloser(state, steps, { transition, record, emit, pending });

  transition('diagnosing', `Reading ${finding.resourceId} again for "${control.title}"`);
  if (!(await compliance.complianceViolated({ finding, fleet })))
    return finish('resolved', `${finding.resourceId} meets "${control.title}" now; nothing to do.`);
  if (control.fix === undefined || finding.rule)
    return finish(
      'escalated',
      `No API call can fix this safely on its own; a person must. How: ${control.procedure} Evidence for ${control.frameworks.join(', ')}.`,
    );
  const fix = {
    action: control.fix as RemediationAction,
    reason: `${control.title} (${control.frameworks.join('; ')}). ${control.procedure}`,
  };
  state.plan = [fix];
  transition('planned', `Plan: 1. ${fix.action} — ${fix.reason}`);
  if (state.mode === 'manual') {
    const timeout = request.approvalTimeout ?? '24h';
    const decision = await awaitOneDecision({ state, decided, transition, record, emit, timeout });
    if (!decision)
      return finish('escalated', `No decision within ${timeout}; ${finding.resourceId} is unchanged.`);
    if (decision.decision === 'decline')
      return finish(
        'declined',
        `Declined by ${decision.by}; ${finding.resourceId} is unchanged (an accepted risk until the next scan).`,
      );
    if (decision.decision === 'manual') return finish('manual', `${decision.by} is handling it by hand.`);
  }

  transition('remediating', `Step 1: ${fix.action}`);
  const startedAt = now();
  const applied = await compliance.applyComplianceFix({ finding, fleet, incidentId: state.incidentId });
  transition('verifying', `Step 1 done (${applied.detail}); reading the setting again`);
  const stillViolated = await compliance.complianceViolated({ finding, fleet });
  steps.push({
    step: 1,
    action: fix.action,
    resourceId: finding.resourceId,
    reason: fix.reason,
    startedAt,
    finishedAt: now(),
    outcome: stillViolated ? 'failed' : 'succeeded',
    detail: stillViolated ? `${applied.detail}; the setting still reads as violated` : applied.detail,
  });
  return stillViolated
    ? finish(
        'escalated',
        `The fix did not take: ${finding.resourceId} still violates "${control.title}"; a person must look.`,
      )
    : finish(
        'resolved',
        `${finding.resourceId} now meets "${control.title}" (${control.frameworks.join('; ')}).`,
      );
}
