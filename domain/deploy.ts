import type { Mode } from './incident';
import { mean } from './statistics';

export const DEPLOY_STRATEGIES = ['canary', 'blue-green'] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

export interface DeployRequest {
  /** The Auto Scaling group whose launch template gets the new version. */
  group: string;
  /** The launch template version to roll out (a number, as EC2 names versions). */
  version: string;
  strategy: DeployStrategy;
  /** Canary: new-instance counts or shares per step, e.g. ['1', '50%', '100%']. */
  steps?: string[];
  /** How long each step is watched before the next (durable timer). */
  bake: string;
  /** MANUAL: a person promotes each step (or rolls back); AUTO: healthy steps promote themselves. */
  mode: Mode;
  /** How long a MANUAL step waits for a person before it rolls back. */
  approvalTimeout?: string;
  requestedBy?: string;
}

export const DEFAULT_CANARY_STEPS = ['1', '50%', '100%'];

/**
 * New-instance counts after each canary step, for a group of `size`: rising, the last step the
 * whole group, duplicates dropped. `'1'` is one instance, `'50%'` half the group (rounded up).
 */
export function canaryTargets(steps: string[], size: number): number[] {
  if (size < 1) throw new Error('the group has no instances to replace');
  const targets: number[] = [];
  for (const step of steps) {
    const share = /^(\d{1,3})%$/.exec(step);
    const count = share
      ? Math.ceil((Number(share[1]) / 100) * size)
      : /^\d+$/.test(step)
        ? Number(step)
        : NaN;
    if (!Number.isInteger(count) || count < 1 || (share && Number(share[1]) > 100))
      throw new Error(`canary step "${step}" must be a count like 1 or a share like 25%`);
    const bounded = Math.min(count, size);
    if (bounded > (targets.at(-1) ?? 0)) targets.push(bounded);
  }
  if (targets.at(-1) !== size) targets.push(size);
  return targets;
}

/**
 * What the deploy reads after each bake: alarms, status checks, incidents the detection loop opened
 * on the new instances, and CPU of new vs old instances.
 */
export interface ReleaseEvidence {
  /** Alarms in ALARM on the group or on a new instance. */
  alarmsFiring: string[];
  /** New instances whose status checks are impaired or that are not running. */
  unhealthy: string[];
  /** CPU datapoints of each new instance since it started. */
  canaryCpu: Record<string, number[]>;
  /** CPU datapoints of the instances still on the old version (empty in blue-green after the switch). */
  baselineCpu: Record<string, number[]>;
  /**
   * Incidents opened on a new instance since the step began: what the detection loop (its streaming
   * anomaly detector, latency and status checks) found on the release.
   */
  incidents?: { id: string; kind: string; resourceId: string }[];
}

export interface ReleaseThresholds {
  /** CPU above this on a new instance is bad whatever the baseline. */
  cpuHighPercent: number;
  /** A new instance's mean CPU this many points above the baseline mean is bad. */
  maxCpuIncreasePoints: number;
}

export interface ReleaseVerdict {
  healthy: boolean;
  reasons: string[];
}

/**
 * Judges a release from its evidence: any firing alarm, unhealthy instance or incident on a new
 * instance is bad; a new
 * instance whose CPU runs hot, or well above the old version's under the same traffic, is bad. A
 * new instance without datapoints yet is not judged on CPU (the alarms and checks still are).
 */
export function judgeRelease(evidence: ReleaseEvidence, thresholds: ReleaseThresholds): ReleaseVerdict {
  const reasons: string[] = [];
  for (const alarm of evidence.alarmsFiring) reasons.push(`alarm ${alarm} is firing`);
  for (const id of evidence.unhealthy) reasons.push(`${id} is not healthy (status checks or state)`);
  for (const incident of evidence.incidents ?? [])
    reasons.push(`incident ${incident.id} (${incident.kind}) opened on ${incident.resourceId}`);
  const baselinePoints = Object.values(evidence.baselineCpu).flat();
  const baseline = baselinePoints.length > 0 ? mean(baselinePoints) : undefined;
  for (const [id, points] of Object.entries(evidence.canaryCpu)) {
    if (points.length === 0) continue;
    const canary = mean(points);
    const hot = points.filter((p) => p > thresholds.cpuHighPercent).length;
    if (hot >= Math.min(2, points.length))
      reasons.push(
        `${id}: CPU above ${thresholds.cpuHighPercent} % in ${hot} of ${points.length} datapoints`,
      );
    else if (baseline !== undefined && canary - baseline > thresholds.maxCpuIncreasePoints)
      reasons.push(
        `${id}: mean CPU ${canary.toFixed(1)} % against ${baseline.toFixed(1)} % on the old version (+${(canary - baseline).toFixed(1)} points)`,
      );
  }
  return { healthy: reasons.length === 0, reasons };
}
