import { INCIDENT_KINDS, type IncidentKind, type IncidentRequest, type Severity } from './incident';
import { parseModeTag } from './mode';

/** The parts of an alert, from any source, that decide which incident it belongs to. */
export interface AlertLabels {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertMapping {
  /** Labels tried in order for the resource id. */
  resourceLabels: string[];
  severityLabel: string;
  modeLabel: string;
  kindLabel: string;
  /** alertname → incident kind, for alerts that carry no kind label. */
  kindByAlertName: Record<string, IncidentKind>;
}

export const DEFAULT_ALERT_MAPPING: AlertMapping = {
  resourceLabels: ['resource_id', 'instance'],
  severityLabel: 'severity',
  modeLabel: 'medic_mode',
  kindLabel: 'medic_kind',
  kindByAlertName: {
    InstanceDown: 'instance-stopped',
    InstanceStopped: 'instance-stopped',
    StatusCheckFailed: 'status-check-failed',
    InstanceStatusCheckFailed: 'status-check-failed',
    HighCPU: 'cpu-high',
    CPUHigh: 'cpu-high',
    HighCpuUtilization: 'cpu-high',
    UnhealthyHosts: 'not-serving',
  },
};

const SEVERITY_ALIASES: Record<string, Severity> = {
  critical: 'critical',
  page: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  warning: 'medium',
  medium: 'medium',
  minor: 'low',
  low: 'low',
  info: 'low',
};

export type MappedAlert = { ok: true; request: IncidentRequest } | { ok: false; reason: string };

/** Prometheus's `instance` is often `host:port`; the resource is the host. */
function resourceFrom(value: string): string {
  return value.replace(/:\d+$/, '');
}

/** Turns an alert's labels into an incident request, or says why it cannot. */
export function mapAlert(
  alert: AlertLabels,
  source: string,
  mapping: AlertMapping = DEFAULT_ALERT_MAPPING,
): MappedAlert {
  const resourceLabel = mapping.resourceLabels.find((l) => alert.labels[l]);
  if (!resourceLabel)
    return { ok: false, reason: `no resource label (${mapping.resourceLabels.join(' or ')})` };
  const resourceId = resourceFrom(alert.labels[resourceLabel] ?? '');
  if (!/^[A-Za-z0-9._:/-]{1,128}$/.test(resourceId))
    return { ok: false, reason: `resource id "${resourceId.slice(0, 40)}" is not valid` };

  const explicitKind = alert.labels[mapping.kindLabel];
  const alertName = alert.labels.alertname ?? '';
  const kind = explicitKind ?? mapping.kindByAlertName[alertName];
  if (!kind || !INCIDENT_KINDS.includes(kind as IncidentKind)) {
    return {
      ok: false,
      reason: `no incident kind for alert "${alertName}"${explicitKind ? ` (kind "${explicitKind}" unknown)` : ''}`,
    };
  }
  const severity = SEVERITY_ALIASES[(alert.labels[mapping.severityLabel] ?? '').toLowerCase()];
  const mode = parseModeTag(alert.labels[mapping.modeLabel]);
  const summary =
    alert.annotations.summary ?? alert.annotations.description ?? `${alertName} on ${resourceId}`;
  return {
    ok: true,
    request: {
      resourceId,
      kind: kind as IncidentKind,
      ...(severity ? { severity } : {}),
      ...(mode ? { mode } : {}),
      summary: summary.slice(0, 2000),
      source,
    },
  };
}
