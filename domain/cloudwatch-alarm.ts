import type { AlertLabels } from './alert-mapping';
import type { ResourceType } from './alarm-scope';

/**
 * A CloudWatch alarm state change (the JSON in an SNS notification's Message) as alert labels, so
 * it maps to incidents the same way as every other alert source.
 */
export interface CloudWatchAlarm {
  AlarmName: string;
  AlarmDescription?: string | null;
  NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  NewStateReason?: string;
  StateChangeTime?: string;
  Region?: string;
  Trigger?: {
    MetricName?: string;
    Namespace?: string;
    Dimensions?: { name?: string; value?: string; Name?: string; Value?: string }[];
    ComparisonOperator?: string;
    Threshold?: number;
  };
}

/** Metric name → the alert name the alert mapping knows (its kind table). */
const ALERT_NAME_BY_METRIC: Record<string, string> = {
  StatusCheckFailed: 'StatusCheckFailed',
  StatusCheckFailed_Instance: 'StatusCheckFailed',
  StatusCheckFailed_System: 'StatusCheckFailed',
  CPUUtilization: 'HighCPU',
  // The balancer's count of targets failing its health check: which ones, the members' requests say.
  UnHealthyHostCount: 'UnhealthyHosts',
  HealthyHostCount: 'UnhealthyHosts',
};

/**
 * Metrics a group's members are judged on, and the factor from the alarm's unit to the member's
 * figure: the ALB reports TargetResponseTime in seconds, members' p99 is in milliseconds. A count
 * (5xx per period) is no rate, so it has none.
 */
const MEMBER_UNIT_FACTOR: Record<string, number> = {
  CPUUtilization: 1,
  TargetResponseTime: 1000,
  LatencyP99: 1,
  ErrorRate: 1,
};

/** An upward alarm's threshold in its members' unit, as the `alarm_threshold` label (decision 0061). */
function memberThreshold(trigger: CloudWatchAlarm['Trigger']): Record<string, string> {
  const factor = MEMBER_UNIT_FACTOR[trigger?.MetricName ?? ''];
  const threshold = trigger?.Threshold;
  const upward = /^GreaterThan/.test(trigger?.ComparisonOperator ?? '');
  return factor !== undefined && upward && typeof threshold === 'number' && Number.isFinite(threshold)
    ? { alarm_threshold: String(threshold * factor) }
    : {};
}

/** The dimensions that name the alarm's resource, in the order they are looked for, and what each names. */
const RESOURCE_DIMENSIONS: [string, ResourceType][] = [
  ['InstanceId', 'instance'],
  ['AutoScalingGroupName', 'group'],
  ['LoadBalancer', 'load-balancer'],
  ['DBInstanceIdentifier', 'database'],
];

/** `medic_kind=cpu-high medic_mode=manual severity=high` in the alarm description become labels. */
function descriptionLabels(description: string | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, key, value] of (description ?? '').matchAll(/\b(medic_kind|medic_mode|severity)=([\w-]+)/g))
    if (key && value) labels[key] = value;
  return labels;
}

export type AlarmState = 'firing' | 'resolved' | 'unknown';

export function alarmToAlert(alarm: CloudWatchAlarm): { state: AlarmState; alert: AlertLabels } {
  const dimensions = new Map(
    (alarm.Trigger?.Dimensions ?? []).map((d) => [d.name ?? d.Name ?? '', d.value ?? d.Value ?? '']),
  );
  const [resourceDimension, resourceType] = RESOURCE_DIMENSIONS.find(([d]) => dimensions.get(d)) ?? [];
  const metric = alarm.Trigger?.MetricName ?? '';
  const labels: Record<string, string> = {
    alertname: ALERT_NAME_BY_METRIC[metric] ?? metric,
    alarm_name: alarm.AlarmName,
    ...(resourceDimension && resourceType
      ? { resource_id: dimensions.get(resourceDimension) ?? '', resource_type: resourceType }
      : {}),
    ...memberThreshold(alarm.Trigger),
    ...descriptionLabels(alarm.AlarmDescription),
  };
  const state =
    alarm.NewStateValue === 'ALARM' ? 'firing' : alarm.NewStateValue === 'OK' ? 'resolved' : 'unknown';
  return { state, alert: { labels, annotations: { summary: alarm.NewStateReason ?? '' } } };
}
