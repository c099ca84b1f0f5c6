import { OPEN_STATUSES, TERMINAL_STATUSES, type AnyIncidentKind } from './incident';

/**
 * One open incident per resource and kind: the workflow id is a business id, so a repeated
 * alert for the same resource joins the running incident instead of opening a second one.
 */
export function incidentWorkflowId(resourceId: string, kind: AnyIncidentKind): string {
  return `incident-${resourceId}-${kind}`;
}

export function fleetMonitorWorkflowId(fleet: string): string {
  return `fleet-monitor-${fleet}`;
}

/** The retraining runs model monitoring starts early, `<prefix><monitor run>`: one per model per monitor run. */
export const earlyRetrainingPrefix = (model: string): string => `retrain-${model}-quality-`;

/** One retraining schedule per model. */
export function retrainScheduleId(model: string): string {
  return `retrain-${model}`;
}

/** Every workflow type that is an incident, whatever agent runs it. */
export const INCIDENT_WORKFLOW_TYPES = [
  'incidentWorkflow',
  'securityIncidentWorkflow',
  'blockSourceWorkflow',
  'complianceFindingWorkflow',
] as const;
const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
export const INCIDENT_TYPES_CLAUSE = `WorkflowType IN (${quoted(INCIDENT_WORKFLOW_TYPES)})`;
/** Visibility: incidents still being worked on, and incidents that reached their final status. */
export const OPEN_STATUS_CLAUSE = `MedicStatus IN (${quoted(OPEN_STATUSES)})`;
export const CLOSED_STATUS_CLAUSE = `MedicStatus IN (${quoted(TERMINAL_STATUSES)})`;
/** Visibility: incidents on any of these resources (AWS ids; anything else is stripped). */
export function resourcesClause(resourceIds: readonly string[]): string {
  return `MedicResource IN (${quoted(resourceIds.map((id) => id.replace(/[^A-Za-z0-9-]/g, '')))})`;
}

/** One scaling agent per Auto Scaling group. */
export function scalingAgentWorkflowId(group: string): string {
  return `scaling-agent-${group}`;
}

/** Visibility: the scaling agents running now (model monitoring and the forecaster's `fleet` data read them). */
export const RUNNING_SCALING_AGENTS = `WorkflowType = 'scalingAgentWorkflow' AND ExecutionStatus = 'Running'`;

/** One run of a custom task per idempotency key: a retried request finds the same run. */
export function taskRunWorkflowId(task: string, idempotencyKey: string): string {
  return `task-${task}-${idempotencyKey}`;
}

/**
 * One incident per blocked source (a flood or a "block <ip>"): blocking again while it holds joins it.
 * IPv6's hex digits stay (`2001:db8::/64` and `2001:dc8::/64` are two sources); `cidr` is canonical
 * (`blockableSource`), so one range has one id.
 */
export function trafficFloodIncidentId(cidr: string): string {
  return `incident-${cidr.toLowerCase().replace(/[^0-9a-f.]/g, '-')}-traffic-flood`;
}

/** One incident per resource and control: a finding seen again by the next scan joins it. */
export function complianceIncidentId(resourceId: string, control: string): string {
  return `incident-${resourceId}-compliance-${control}`;
}

/** One compliance scan schedule per fleet. */
export function complianceScheduleId(fleet: string): string {
  return `compliance-${fleet}`;
}
