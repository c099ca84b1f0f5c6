import type { IncidentReport, IncidentState, StepRecord } from './incident';

/** Ends with a full stop unless it already ends a sentence ("…restarted?", "…network)."). */
export const asSentence = (text: string) => (/[.?!]$/.test(text) ? text : `${text}.`);

/** How a conclusion already says the resource was left alone ("nothing was changed", "…without touching…"). */
const SAYS_UNCHANGED = /nothing was|changed nothing|without touching|unchanged|left in place/i;

function describeSteps(steps: StepRecord[], conclusion: string): string {
  if (steps.length === 0) return SAYS_UNCHANGED.test(conclusion) ? '' : 'No change was made to the resource.';
  const taken = steps.map((s) => `${s.step}. ${s.action} ${s.outcome} (${s.detail})`).join('; ');
  return asSentence(`${steps.length === 1 ? 'Step' : 'Steps'} taken: ${taken}`);
}

/**
 * How a plan ended in health, said so that "step 1 of 3" does not read as two steps still to come:
 * the steps after the one that healed were not run.
 */
export function healedBy(action: string, step: number, planned: number): string {
  if (planned <= 1) return `Healed by ${action}.`;
  if (step === 1)
    return `Healed by ${action}, the first of ${planned} planned steps; the rest were not needed.`;
  const rest = step < planned ? '; the rest were not needed' : '';
  return `Healed by ${action}, step ${step} of ${planned} planned, after the earlier steps did not heal it${rest}.`;
}

/**
 * What was done when nothing could be planned: the why is the report's reason already, so the
 * action taken says only how the incident ended, not the same sentences again.
 */
export function planlessAction(status: IncidentState['status']): string {
  if (status === 'escalated') return 'Left for a person to decide; no change was made to the resource.';
  if (status === 'failed') return 'Nothing could be done here; no change was made to the resource.';
  return 'Closed without acting; no change was made to the resource.';
}

/**
 * The final report in the four parts an operator reads, plus the outcome. `actionTaken`, when
 * given, replaces the conclusion in that part (the conclusion is then the reason, as with no plan).
 */
export function buildReport(
  state: IncidentState,
  steps: StepRecord[],
  conclusion: string,
  actionTaken?: string,
): IncidentReport {
  const succeeded = steps.find((s) => s.outcome === 'succeeded');
  const evidence = state.diagnosis?.findings.length
    ? ` Diagnosis: ${state.diagnosis.findings.join(' ')}`
    : '';
  const flapping = state.repeatsAfterClose
    ? ` The alert came back ${state.repeatsAfterClose} time(s) within the cool-down after closing (flapping); those repeats were recorded here, not opened as new incidents.`
    : '';
  // A summary the caller wrote may not end a sentence ("instance-stopped on i-…", a finding's title).
  const summary = asSentence(state.summary);
  const issueDetected = `${summary}${evidence}${flapping}`;
  const reason = succeeded
    ? succeeded.reason
    : state.plan.length > 0
      ? `Planned: ${state.plan.map((s) => `${s.action} — ${s.reason}`).join(' Then ')}`
      : conclusion;
  const approvers = (state.approvals ?? []).map((a) => a.by);
  const decidedBy =
    state.decision?.decision === 'approve' && approvers.length > 1
      ? `${approvers.join(', ')} (${approvers.length} of ${state.approvalsRequired ?? approvers.length}, plan ${state.planHash?.slice(0, 12) ?? '?'})`
      : state.decision?.by;
  // A decline or a "by hand" usually ends in a conclusion that names who and why already.
  const decision = state.decision;
  const alreadySaid =
    decision !== undefined &&
    decidedBy !== undefined &&
    conclusion.includes(decidedBy) &&
    (!decision.reason || conclusion.includes(decision.reason));
  const decided =
    decision && !alreadySaid
      ? `Decision: ${decision.decision} by ${decidedBy}${decision.reason ? ` (${decision.reason})` : ''}.`
      : '';
  return {
    issueDetected,
    resolutionProcess: steps,
    reason,
    actionTaken: (actionTaken !== undefined
      ? [actionTaken, decided]
      : [conclusion, describeSteps(steps, conclusion), decided]
    )
      .filter((part) => part !== '')
      .join(' '),
    outcome: state.status,
    ...(state.decision ? { decision: state.decision } : {}),
    ...(succeeded ? { finalResourceId: succeeded.resourceId } : {}),
    ...(state.status === 'dry_run' ? { dryRun: true } : {}),
    ...(state.infraProposal ? { infraProposal: state.infraProposal } : {}),
    ...(state.rootCause ? { rootCause: state.rootCause } : {}),
    ...(state.models && Object.keys(state.models).length ? { models: state.models } : {}),
  };
}

/**
 * What a person asked for a decision reads, in a chat message or an email: the incident, the plan,
 * the time to answer, and for an outbound surge where the traffic went (the flow logs' line of the
 * diagnosis): whether it is a leak turns on that destination, and the message may be all they read.
 */
export function decisionRequestBody(
  state: Pick<IncidentState, 'summary' | 'plan' | 'diagnosis'>,
  within: string,
): string {
  const destinations = state.diagnosis?.outboundFlows;
  return `${state.summary}\n${destinations ? `${destinations}\n` : ''}Proposed: ${state.plan.map((s) => s.action).join(', then ')}.\nApprove, decline or take it over by hand within ${within}.`;
}

/** The message that tells people how an incident ended: what, how and why, in three lines. */
export function closingNotification(
  state: Pick<IncidentState, 'incidentId' | 'severity'>,
  report: IncidentReport,
  status: string,
  link?: string,
) {
  return {
    incidentId: state.incidentId,
    severity: state.severity,
    headline: `${state.incidentId}: ${status}`,
    body: `What: ${report.issueDetected}\nHow: ${report.actionTaken}\nWhy: ${report.reason}`,
    ...(link ? { link } : {}),
  };
}
