import { normal } from '../random';

/**
 * Simulated instance incidents: a hidden fault, noisy symptoms, and which remediation fixes it and
 * how fast. The policy sees only the symptoms, as it would from status checks and CloudWatch.
 */

export const REMEDIATIONS = [
  'reboot',
  'stop-start',
  'replace',
  'reallocate',
  'restore-from-snapshot',
  'scale-out',
] as const;
export type Remediation = (typeof REMEDIATIONS)[number];

/** The order a fixed runbook tries them in: cheapest and least disruptive first. */
export const RUNBOOK_ORDER: readonly Remediation[] = REMEDIATIONS;

export const SYMPTOMS = [
  'system_check_failed',
  'instance_check_failed',
  'unreachable',
  'cpu_high',
  'memory_high',
  'swap_high',
  'disk_errors',
  'latency_high',
  'group_wide_load',
  'recent_deploy',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

interface FaultProfile {
  prior: number;
  symptoms: Partial<Record<Symptom, number>>;
  /** Minutes to verified recovery for each action that fixes this fault. */
  fixes: Partial<Record<Remediation, number>>;
}

export const FAULTS: Record<string, FaultProfile> = {
  'kernel-hang': {
    prior: 0.25,
    symptoms: { instance_check_failed: 0.9, unreachable: 0.8, cpu_high: 0.2 },
    fixes: { reboot: 3, 'stop-start': 6, replace: 10 },
  },
  'host-degraded': {
    prior: 0.2,
    symptoms: { system_check_failed: 0.9, unreachable: 0.7, instance_check_failed: 0.3 },
    fixes: { 'stop-start': 6, replace: 10 },
  },
  overload: {
    prior: 0.2,
    symptoms: { cpu_high: 0.9, group_wide_load: 0.85, latency_high: 0.8 },
    fixes: { 'scale-out': 5 },
  },
  'memory-starved': {
    prior: 0.15,
    symptoms: { memory_high: 0.9, swap_high: 0.8, latency_high: 0.5, cpu_high: 0.3 },
    fixes: { reallocate: 8 },
  },
  'bad-config': {
    prior: 0.12,
    symptoms: { recent_deploy: 0.9, latency_high: 0.6, instance_check_failed: 0.3 },
    fixes: { replace: 10 },
  },
  'disk-corruption': {
    prior: 0.08,
    symptoms: { disk_errors: 0.9, instance_check_failed: 0.4, latency_high: 0.3 },
    fixes: { 'restore-from-snapshot': 20 },
  },
};

/** A symptom that the fault does not cause still shows up this often (noisy monitoring). */
export const FALSE_SYMPTOM_RATE = 0.05;
/** Minutes spent before a wrong action is known not to have worked. */
const FAILED_ATTEMPT_MINUTES: Record<Remediation, number> = {
  reboot: 4,
  'stop-start': 7,
  replace: 12,
  reallocate: 9,
  'restore-from-snapshot': 22,
  'scale-out': 6,
};

export interface SimulatedIncident {
  fault: string;
  symptoms: Symptom[];
  /** Features for the policy: a bias term then one 0/1 per symptom. */
  context: number[];
}

export const CONTEXT_DIMENSION = SYMPTOMS.length + 1;

export function contextOf(symptoms: readonly string[]): number[] {
  return [1, ...SYMPTOMS.map((s) => (symptoms.includes(s) ? 1 : 0))];
}

export function simulateIncident(random: () => number): SimulatedIncident {
  const faults = Object.entries(FAULTS);
  let pick = random() * faults.reduce((s, [, f]) => s + f.prior, 0);
  const [fault, profile] = faults.find(([, f]) => (pick -= f.prior) < 0) ?? faults[0];
  const symptoms = SYMPTOMS.filter((s) => random() < (profile.symptoms[s] ?? FALSE_SYMPTOM_RATE));
  return { fault, symptoms, context: contextOf(symptoms) };
}

export interface Attempt {
  action: Remediation;
  recovered: boolean;
  minutes: number;
}

/** What happens when `action` is tried on this incident (recovery times vary ±20 %). */
export function attempt(incident: SimulatedIncident, action: Remediation, random: () => number): Attempt {
  const fix = FAULTS[incident.fault]?.fixes[action];
  const jitter = Math.max(0.6, 1 + 0.1 * normal(random));
  return fix === undefined
    ? { action, recovered: false, minutes: FAILED_ATTEMPT_MINUTES[action] * jitter }
    : { action, recovered: true, minutes: fix * jitter };
}

/** The fastest fix, which an all-knowing operator would pick. */
export function oracleAction(incident: SimulatedIncident): Remediation {
  const fixes = Object.entries(FAULTS[incident.fault]?.fixes ?? {}) as [Remediation, number][];
  return fixes.sort((a, b) => a[1] - b[1])[0]?.[0] ?? 'replace';
}
