import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AlertLabels } from '../domain/alert-mapping';
import { mapAlert } from '../domain/alert-mapping';
import { TASK_QUEUES, type MedicConfig } from '../domain/config';
import { alarmScopeReader, ScopeNotFoundError } from '../activities/alarm-scope';
import { sha256Hex } from '../domain/sha256';
import { capacityRequestWorkflow } from '../workflows/capacity-request';
import {
  answerAlarmScope,
  MEMBER_SCOPES,
  type MemberReading,
  type ResourceType,
  thresholdsForAlarm,
  type ScopeThresholds,
} from '../domain/alarm-scope';
import { ingestAlert, type AlertOutcome, type ScopedAlertAnswer } from './alerts';
import type { IncidentService } from './incident-service';
import type { Severity } from '../domain/incident';

/** What the CloudWatch route needs to answer an alarm on a group or a load balancer (decision 0061). */
export interface AlarmScopeSettings {
  /** The members the scope covers, read now; throws `ScopeNotFoundError` for a scope the account lacks. */
  members: (type: ResourceType, id: string) => Promise<MemberReading[]>;
  thresholds: ScopeThresholds;
  /** The period the members' datapoints are read at (the configuration's metric period). */
  periodSeconds: number;
  /**
   * One more instance for the group, within its maximum (the scaling agent's capacity request).
   * `key` is the alarm's state change: a redelivered or repeated notification of it adds nothing more.
   */
  scaleOut: (group: string, reason: string, key: string) => Promise<{ workflowId: string }>;
}

export interface ScopedAlarmOutcome {
  action: 'fanned-out' | 'scaled-out' | 'resolved-recorded' | 'ignored';
  scope: { type: ResourceType; id: string };
  reason?: string;
  /** Per member: what its alert did (opened, joined, resolved-recorded, …). */
  members?: (Omit<AlertOutcome, 'fingerprint'> & { instanceId: string })[];
  /** The capacity request's workflow, when the group got one more instance. */
  workflowId?: string;
}

/** Whether an alert's resource is a group of instances the route answers member by member. */
export const scopeOf = (alert: AlertLabels): { type: ResourceType; id: string } | undefined => {
  const type = alert.labels.resource_type as ResourceType | undefined;
  const id = alert.labels.resource_id;
  return type && id && (MEMBER_SCOPES.includes(type) || type === 'database') ? { type, id } : undefined;
};

/** A scope answer that makes every member's incident a person's call, with why and how severe. */
interface ForAPerson {
  reason: string;
  severity?: Severity;
}

/**
 * The member's own alert. `forAPerson` makes its incident MANUAL (and as severe as it says), whatever
 * the alarm's own labels say, and puts why in the summary a person is notified with.
 */
const asMember = (
  alert: AlertLabels,
  instanceId: string,
  scopeLabel: string,
  forAPerson?: ForAPerson,
): AlertLabels => ({
  labels: {
    ...alert.labels,
    resource_id: instanceId,
    resource_type: 'instance',
    ...(forAPerson ? { medic_mode: 'manual' } : {}),
    ...(forAPerson?.severity ? { severity: forAPerson.severity } : {}),
  },
  annotations: {
    ...alert.annotations,
    summary: [
      `${alert.labels.alarm_name ?? alert.labels.alertname ?? 'An alarm'} on ${scopeLabel}, shown by ${instanceId}:`,
      forAPerson?.reason,
      alert.annotations.summary,
    ]
      .filter(Boolean)
      .join(' ')
      .trim(),
  },
});

/** The route's settings from the API's AWS clients, its configuration and its Temporal client. */
export function alarmScopeSettings(
  aws: Parameters<typeof alarmScopeReader>[0],
  config: Pick<
    MedicConfig,
    | 'metricPeriodSeconds'
    | 'cpuHighPercent'
    | 'latencyHighMs'
    | 'errorRateFailurePercent'
    | 'notServingSiblingMinPerSecond'
  >,
  temporal: Client,
): AlarmScopeSettings {
  return {
    members: alarmScopeReader(aws, config.metricPeriodSeconds),
    thresholds: {
      cpuHighPercent: config.cpuHighPercent,
      latencyHighMs: config.latencyHighMs,
      errorRateFailurePercent: config.errorRateFailurePercent,
      notServingSiblingMinPerSecond: config.notServingSiblingMinPerSecond,
    },
    periodSeconds: config.metricPeriodSeconds,
    scaleOut: temporalScaleOut(temporal),
  };
}

/**
 * The group's capacity request, started once per alarm state change: the same change delivered again
 * (SNS redelivers; the alarm re-notifies) finds the workflow already started, running or done.
 */
export function temporalScaleOut(client: Client): AlarmScopeSettings['scaleOut'] {
  return async (group, reason, key) => {
    const workflowId = `capacity-alarm-${group}-${sha256Hex(key).slice(0, 16)}`;
    try {
      await client.workflow.start(capacityRequestWorkflow, {
        taskQueue: TASK_QUEUES.scaling,
        workflowId,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ group, change: { by: 1 }, requestedBy: 'cloudwatch-alarm', reason }],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { workflowId };
  };
}

/**
 * A firing alarm on a group or load balancer: incidents for the members that show it, one more
 * instance when most of them share a load, or nothing, said why. A resolved one is recorded on each
 * member's open incident of its kind.
 */
export async function ingestScopedAlarm(
  alert: AlertLabels,
  status: 'firing' | 'resolved',
  source: string,
  scope: { type: ResourceType; id: string },
  incidents: IncidentService,
  settings: AlarmScopeSettings,
  stateChangeKey: string,
): Promise<ScopedAlarmOutcome> {
  if (scope.type === 'database')
    return {
      action: 'ignored',
      scope,
      reason: `the alarm is on database ${scope.id}: cloud-medic heals instances, and databases are for their owners (root-cause ranking names a database behind instance incidents)`,
    };
  const mapped = mapAlert(alert, source);
  if (!mapped.ok) return { action: 'ignored', scope, reason: mapped.reason };
  const readAt = new Date().toISOString();
  const members = await settings.members(scope.type, scope.id);
  const label = `${scope.type === 'group' ? 'group' : 'load balancer'} ${scope.id}`;
  const forEach = async (instanceIds: string[], forAPerson?: ForAPerson) =>
    Promise.all(
      instanceIds.map(async (instanceId) => ({
        instanceId,
        ...(await ingestAlert(asMember(alert, instanceId, label, forAPerson), status, source, incidents)),
      })),
    );
  if (status === 'resolved') {
    const outcomes = await forEach(members.map((m) => m.instanceId));
    return { action: 'resolved-recorded', scope, members: outcomes };
  }
  const { kind } = mapped.request;
  const thresholds = thresholdsForAlarm(kind, settings.thresholds, alert.labels.alarm_threshold);
  const answer = answerAlarmScope(kind, label, members, thresholds, {
    at: readAt,
    periodSeconds: settings.periodSeconds,
  });
  if (answer.action === 'none') return { action: 'ignored', scope, reason: answer.reason };
  if (answer.action === 'scale-out') {
    const { workflowId } = await settings.scaleOut(answer.group, answer.reason, stateChangeKey);
    return { action: 'scaled-out', scope, reason: answer.reason, workflowId };
  }
  return {
    action: 'fanned-out',
    scope,
    reason: answer.reason,
    // A MANUAL answer carries its reason and severity into each member's alert as they are.
    members: await forEach(answer.instanceIds, answer.mode === 'manual' ? answer : undefined),
  };
}

/**
 * An alert naming a group, a load balancer or a database, from either alert route: answered from
 * its members when this API can read them, otherwise ignored with the reason. `stateChangeKey` names
 * the firing episode, so a repeated notification of it adds no second instance.
 */
export async function answerScopedAlert(
  alert: AlertLabels,
  status: 'firing' | 'resolved',
  source: string,
  scope: { type: ResourceType; id: string },
  incidents: IncidentService,
  settings: AlarmScopeSettings | undefined,
  stateChangeKey: string,
): Promise<ScopedAlarmOutcome> {
  if (!settings)
    return {
      action: 'ignored',
      scope,
      reason: `the alarm is on ${scope.type} ${scope.id}, and this API has no AWS access to read its members`,
    };
  try {
    return await ingestScopedAlarm(alert, status, source, scope, incidents, settings, stateChangeKey);
  } catch (err) {
    if (err instanceof ScopeNotFoundError) return { action: 'ignored', scope, reason: err.message };
    throw err;
  }
}

/** The Alertmanager route's answer for alerts labelled with a group's or a load balancer's `resource_type`. */
export const scopedAlertAnswer =
  (incidents: IncidentService, settings: AlarmScopeSettings | undefined): ScopedAlertAnswer =>
  (alert, status, source, stateChangeKey) => {
    const scope = scopeOf(alert);
    return scope
      ? () => answerScopedAlert(alert, status, source, scope, incidents, settings, stateChangeKey)
      : undefined;
  };
