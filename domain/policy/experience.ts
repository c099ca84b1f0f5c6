import type { Diagnosis, StepRecord } from '../incident';
import { contextOf, type Remediation, type Symptom } from './incident-simulator';
import { reward } from './reward';
import { offPolicyEstimate } from './evaluate';
import { isShortOfMemory, isSwapping, recentDeploy } from '../diagnosis-signals';

/** One remediation attempt of a real incident, as the policy learns from it. */
export interface Experience {
  incidentId: string;
  context: number[];
  action: Remediation;
  reward: number;
  recovered: boolean;
  /** The chance the logging policy (the runbook planner) had of choosing it: 1, it is deterministic. */
  propensity: number;
  /** The incident's first attempt: what first-action success and the backtest judge. */
  first: boolean;
}

/** The catalogue actions the policy chooses among, by its own names. */
export const POLICY_ACTION: Readonly<Record<string, Remediation>> = {
  'reboot-instance': 'reboot',
  'stop-start-instance': 'stop-start',
  'replace-instance': 'replace',
  'resize-instance': 'reallocate',
  'restore-from-snapshot': 'restore-from-snapshot',
  'scale-out-group': 'scale-out',
};

/** What the policy sees of a real incident: the simulator's symptoms, read from kind and diagnosis. */
export function symptomsOf(kind: string, diagnosis: Diagnosis | undefined): Symptom[] {
  const symptoms = new Set<Symptom>();
  // A failed status check names no check: it counts as the system's only when the diagnosis does
  // not put it on the instance (else an instance fault would look like a host fault to the policy).
  if (
    diagnosis?.systemStatus === 'impaired' ||
    (kind === 'status-check-failed' && diagnosis?.instanceStatus !== 'impaired')
  )
    symptoms.add('system_check_failed');
  if (diagnosis?.instanceStatus === 'impaired') symptoms.add('instance_check_failed');
  if (diagnosis && diagnosis.state !== 'running') symptoms.add('unreachable');
  if (kind === 'cpu-high' || (diagnosis?.recentMaxCpu ?? 0) >= 90) symptoms.add('cpu_high');
  if (isShortOfMemory(diagnosis)) symptoms.add('memory_high');
  if (isSwapping(diagnosis)) symptoms.add('swap_high');
  if (kind === 'latency-high') symptoms.add('latency_high');
  if (kind === 'latency-high' && diagnosis?.autoScalingGroup) symptoms.add('group_wide_load');
  if (kind === 'data-corrupted') symptoms.add('disk_errors');
  if (recentDeploy(diagnosis)) symptoms.add('recent_deploy');
  return [...symptoms];
}

const minutesBetween = (from: string | undefined, to: string | undefined) =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 60_000) : 60;

/**
 * A closed incident's attempts as experience: each step of a policy action with its reward
 * (verified recovery time, failure, the person's feedback on the step that ended it).
 */
export function experienceFrom(incident: {
  id: string;
  kind: string;
  diagnosis?: Diagnosis;
  steps: (Pick<StepRecord, 'action' | 'outcome'> & { startedAt?: string; finishedAt?: string })[];
  feedback?: { resolved: boolean; rating: number };
}): Experience[] {
  const context = contextOf(symptomsOf(incident.kind, incident.diagnosis));
  const attempts = incident.steps.filter((s) => POLICY_ACTION[s.action] && s.outcome !== 'dry-run');
  return attempts.map((step, i) => {
    const recovered = step.outcome === 'succeeded';
    const last = i === attempts.length - 1;
    return {
      incidentId: incident.id,
      context,
      action: POLICY_ACTION[step.action],
      reward: reward({
        recovered,
        minutes: minutesBetween(step.startedAt, step.finishedAt),
        ...(last && incident.feedback ? { feedback: incident.feedback } : {}),
      }),
      recovered,
      propensity: 1,
      first: i === 0,
    };
  });
}

/**
 * The backtest before a candidate is enabled, on the recorded incidents' first attempts: its
 * estimated first-action success by inverse propensity scoring (the runbook is deterministic, so an
 * incident where the candidate would have chosen otherwise counts as a failure: a lower bound), the
 * success where it would have chosen what was tried (self-normalised: the estimate if those incidents
 * are typical), and the share of incidents those are.
 */
export function backtest(
  experience: Experience[],
  firstChoice: (context: number[]) => Remediation,
): { estimate: number; amongMatched: number; matched: number; incidents: number } {
  const firsts = experience.filter((e) => e.first);
  if (firsts.length === 0) return { estimate: 0, amongMatched: 0, matched: 0, incidents: 0 };
  const { inversePropensity, selfNormalised, agreed } = offPolicyEstimate(firsts, firstChoice);
  return {
    estimate: inversePropensity,
    amongMatched: selfNormalised,
    matched: agreed / firsts.length,
    incidents: firsts.length,
  };
}
