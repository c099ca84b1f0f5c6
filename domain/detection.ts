import type { IncidentKind, Severity } from './incident';

export interface MetricPoint {
  at: string;
  value: number;
}

export interface InstanceObservation {
  instanceId: string;
  state: string;
  statusCheckFailed: MetricPoint[];
  cpuUtilization: MetricPoint[];
}

export interface DetectionThresholds {
  cpuHighPercent: number;
  /** How many of the newest datapoints must average above the threshold: one spike is not an incident. */
  cpuWindowPoints: number;
}

export interface Finding {
  resourceId: string;
  kind: IncidentKind;
  severity: Severity;
  summary: string;
  evidenceAt: string;
}

/**
 * What the detector has already reported, per `resource/kind`: the newest evidence timestamp for
 * metric faults, the time a stop was first seen for stopped instances. Findings are edge
 * triggered, so a fault that stays (a declined incident, an instance left stopped) is reported
 * once per episode, not every polling interval.
 */
export type Watermarks = Record<string, string>;

export interface DetectionResult {
  findings: Finding[];
  watermarks: Watermarks;
}

const key = (resourceId: string, kind: IncidentKind): string => `${resourceId}/${kind}`;

function newest(points: MetricPoint[]): string | undefined {
  return points.reduce<string | undefined>(
    (max, p) => (max === undefined || p.at > max ? p.at : max),
    undefined,
  );
}

/**
 * Simple threshold rules over one polling snapshot. Resources with an incident already open are
 * skipped: a remediation that stops an instance on purpose must not open a second incident.
 */
export function detectFaults(
  observations: InstanceObservation[],
  previous: Watermarks,
  busyResources: ReadonlySet<string>,
  thresholds: DetectionThresholds,
  now: string,
): DetectionResult {
  const watermarks: Watermarks = { ...previous };
  const findings: Finding[] = [];

  for (const obs of observations) {
    const stoppedKey = key(obs.instanceId, 'instance-stopped');
    if (obs.state === 'running' || obs.state === 'terminated') delete watermarks[stoppedKey];
    if (busyResources.has(obs.instanceId)) continue;

    if ((obs.state === 'stopped' || obs.state === 'stopping') && watermarks[stoppedKey] === undefined) {
      watermarks[stoppedKey] = now;
      findings.push({
        resourceId: obs.instanceId,
        kind: 'instance-stopped',
        severity: 'high',
        summary: `Instance ${obs.instanceId} is ${obs.state} but is part of the fleet and should be running.`,
        evidenceAt: now,
      });
      continue;
    }
    if (obs.state !== 'running') continue;

    const statusKey = key(obs.instanceId, 'status-check-failed');
    const failing = obs.statusCheckFailed.filter((p) => p.value >= 1 && p.at > (watermarks[statusKey] ?? ''));
    const failingAt = newest(failing);
    if (failingAt !== undefined) {
      watermarks[statusKey] = failingAt;
      findings.push({
        resourceId: obs.instanceId,
        kind: 'status-check-failed',
        severity: 'critical',
        summary: `Instance ${obs.instanceId} failed its EC2 status checks (${failing.length} failing datapoint(s), latest ${failingAt}).`,
        evidenceAt: failingAt,
      });
      continue;
    }

    const cpuKey = key(obs.instanceId, 'cpu-high');
    const fresh = obs.cpuUtilization
      .filter((p) => p.at > (watermarks[cpuKey] ?? ''))
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(-thresholds.cpuWindowPoints);
    const freshAt = newest(fresh);
    if (freshAt !== undefined && fresh.length >= thresholds.cpuWindowPoints) {
      const mean = fresh.reduce((sum, p) => sum + p.value, 0) / fresh.length;
      if (mean >= thresholds.cpuHighPercent) {
        watermarks[cpuKey] = freshAt;
        findings.push({
          resourceId: obs.instanceId,
          kind: 'cpu-high',
          severity: 'medium',
          summary: `Instance ${obs.instanceId} CPU averaged ${mean.toFixed(1)}% (threshold ${thresholds.cpuHighPercent}%).`,
          evidenceAt: freshAt,
        });
      }
    }
  }
  return { findings, watermarks };
}
