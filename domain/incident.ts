import type { RootCauseRanking } from './rootcause/live';
import type { InfraProposal } from './infra-change';
import type { ApprovalRecord } from './approval';
/** The vocabulary of an incident, shared by workflows, activities, the API and the CLI. */

/** `restart-requested`: a person asked for a restart (chat, API); it runs as an incident, with every guardrail. */
export const INCIDENT_KINDS = [
  'instance-stopped',
  'status-check-failed',
  'cpu-high',
  'restart-requested',
  /** The cost agent's: running, with CPU and network below thresholds for the whole window. */
  'instance-idle',
  /** A finding (GuardDuty, an operator) that the instance is compromised: isolate and keep evidence. */
  'instance-compromised',
  /** The application's p99 latency on the instance sustained above its threshold. */
  'latency-high',
  /** The instance's data is damaged (an operator or an integrity check says so): restore from backup. */
  'data-corrupted',
  /** The cost agent's: never above a fifth of its CPU for the whole window, and a smaller size exists. */
  'instance-oversized',
  /** A fleet member terminated by someone else: a replacement is launched from its launch template. */
  'instance-terminated',
  /** Proactive: the root disk's usage trend reaches full within the forecast horizon. */
  'disk-filling',
  /** Proactive: memory use climbs steadily (a leak) toward exhaustion within the forecast horizon. */
  'memory-exhaustion',
  /** Proactive: the application's error rate on an instance drifts up toward its failure level. */
  'error-rate-rising',
  /** Inbound traffic on the instance outside its normal range (its streaming detector on NetworkIn). */
  'traffic-surge',
  /**
   * The application's request rate on the instance outside its normal range (its streaming detector on
   * the agent's `RequestCount`): demand, answered as a traffic surge is, and one episode with it.
   */
  'request-surge',
  /**
   * A running group member that served requests lately serves none while its siblings do: its
   * application stopped answering, or its balancer stopped sending to it (decision 0066).
   */
  'not-serving',
  /**
   * Outbound traffic on the instance outside its normal range (its streaming detector on NetworkOut):
   * how data leaves a compromised instance, so a suspicion a person confirms before it is isolated.
   */
  'egress-surge',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Kinds that mean demand beyond the instance's usual: answered with capacity, or by a person without a group. */
const DEMAND_SURGES: readonly IncidentKind[] = ['traffic-surge', 'request-surge'];
export const isDemandSurge = (kind: IncidentKind): boolean => DEMAND_SURGES.includes(kind);

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const MODES = ['auto', 'manual'] as const;
export type Mode = (typeof MODES)[number];

/** The phases that end an incident. */
export const TERMINAL_STATUSES = [
  'resolved',
  'failed',
  'declined',
  'escalated',
  'manual',
  'dry_run',
] as const;

/** Phases of the incident state machine; the terminal ones end the workflow. */
export const INCIDENT_STATUSES = [
  'detected',
  'diagnosing',
  'planned',
  'awaiting_approval',
  'remediating',
  'verifying',
  ...TERMINAL_STATUSES,
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** The phases of an incident still being worked on. */
export const OPEN_STATUSES = INCIDENT_STATUSES.filter(
  (status) => !(TERMINAL_STATUSES as readonly string[]).includes(status),
);

export const DECISIONS = ['approve', 'decline', 'manual'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

export interface Decision {
  decision: DecisionKind;
  by: string;
  reason?: string;
  /** The plan hash the decider saw (GET /incidents/:id → planHash); required when a quorum applies. */
  planHash?: string;
}

/** What an incident answers a decision it took. */
export interface DecisionAck {
  accepted: true;
  status: IncidentStatus;
  /** With a quorum: approvals so far and how many the plan needs. */
  approvals?: number;
  required?: number;
}

/** One incident's part of a decision taken for several (decision 0071); `Code` is the API's error codes. */
export type BulkDecisionPart<Code extends string = string> =
  | ({ id: string; ok: true } & DecisionAck)
  | { id: string; ok: false; error: { code: Code; message: string } };

/** The answer of `POST /incidents/decisions`: each incident's part, and how many took it. */
export interface BulkDecisionAnswer<Code extends string = string> {
  decision: DecisionKind;
  decided: number;
  refused: number;
  results: BulkDecisionPart<Code>[];
}

/** Workflow-side check of a decision: the API validates too, but the workflow must not trust its callers. */
export function isDecision(value: unknown): value is Decision {
  if (typeof value !== 'object' || value === null) return false;
  const { decision, by, reason, planHash } = value as Record<string, unknown>;
  return (
    DECISIONS.includes(decision as DecisionKind) &&
    typeof by === 'string' &&
    by.trim() !== '' &&
    (reason === undefined || typeof reason === 'string') &&
    (planHash === undefined || typeof planHash === 'string')
  );
}

export const INSTANCE_ACTIONS = [
  'start-instance',
  'reboot-instance',
  'stop-start-instance',
  'replace-instance',
  'stop-instance',
  'quarantine-instance',
  'resize-instance',
  'restore-from-snapshot',
  'downsize-instance',
  'scale-out-group',
  'expand-volume',
] as const;
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];
/** The security agent's actions; `restore-ingress-rule` is the compensation of the revoke. */
export const SECURITY_ACTIONS = [
  'revoke-ingress-rule',
  'restore-ingress-rule',
  'deny-source',
  'lift-source-block',
  'enable-bucket-encryption',
  'block-bucket-public-access',
  'enable-flow-logs',
] as const;
export type SecurityAction = (typeof SECURITY_ACTIONS)[number];
/** Every action in the catalogue, whatever agent runs it. */
export const REMEDIATION_ACTIONS = [...INSTANCE_ACTIONS, ...SECURITY_ACTIONS] as const;
export type RemediationAction = (typeof REMEDIATION_ACTIONS)[number];

export function isInstanceAction(action: string): action is InstanceAction {
  return (INSTANCE_ACTIONS as readonly string[]).includes(action);
}

/** Incidents the security agent handles (they are not about one instance). */
export const SECURITY_INCIDENT_KINDS = [
  'security-group-open',
  'traffic-flood',
  'compliance-violation',
] as const;
export type SecurityIncidentKind = (typeof SECURITY_INCIDENT_KINDS)[number];
export type AnyIncidentKind = IncidentKind | SecurityIncidentKind;
export const ALL_INCIDENT_KINDS = [...INCIDENT_KINDS, ...SECURITY_INCIDENT_KINDS] as const;

export interface RemediationStep {
  action: RemediationAction;
  /** Why this step was chosen, in the operator's words. */
  reason: string;
}

export interface IncidentRequest {
  resourceId: string;
  kind: IncidentKind;
  severity?: Severity;
  /** Explicit mode; when absent the resource's `medic:mode` tag, then configuration, decide. */
  mode?: Mode;
  summary?: string;
  /** Where the incident came from: `api`, `detector`, `cli`, ... */
  source?: string;
  /** The anomaly detector's version, when its judgement opened the incident. */
  detectorVersion?: string;
  /** ISO-8601 duration-like string accepted by Temporal (`30m`, `90s`); overrides the configured default. */
  approvalTimeout?: string;
  /** Plan and explain, check permissions with EC2 DryRun, change nothing. */
  dryRun?: boolean;
}

export interface Alert {
  source: string;
  summary: string;
  at: string;
  /** A resolved alert is recorded on the incident; it does not stop a remediation in flight. */
  status?: 'firing' | 'resolved';
  /** How many identical alerts this one stands for (grouped at ingestion); 1 when absent. */
  count?: number;
  /** For a flood seen in flow logs: whose fleet's logs showed it (a block follows it there). */
  fleet?: string;
}

export interface Diagnosis {
  exists: boolean;
  state: string;
  instanceType?: string;
  systemStatus?: string;
  instanceStatus?: string;
  modeTag?: Mode;
  /** Tagged `medic:protect=true`: never acted on automatically. */
  protected?: boolean;
  /** The Auto Scaling group the instance belongs to, when it does (its capacity can be raised). */
  autoScalingGroup?: string;
  recentStatusCheckFailures: number;
  recentMaxCpu?: number;
  /** Peak memory and swap use (percent) as the CloudWatch agent reports them; absent without the agent. */
  recentMaxMemory?: number;
  recentMaxSwap?: number;
  /** The deploy that launched the instance (its tag) and how long before this diagnosis: what changed. */
  deploy?: { id: string; minutesAgo: number };
  /** Where the instance's outbound traffic went, from the flow logs (an outbound surge's diagnosis); also among the findings. */
  outboundFlows?: string;
  /**
   * Why an outbound surge needs nobody: the flow logs show it went to destinations the operator
   * trusts (MEDIC_TRUSTED_EGRESS, decision 0060). Absent, a person decides.
   */
  trustedEgress?: string;
  findings: string[];
}

export interface TimelineEntry {
  at: string;
  status: IncidentStatus;
  message: string;
  step?: number;
  outcome?: 'started' | 'succeeded' | 'failed' | 'skipped' | 'info';
}

export interface StepRecord {
  step: number;
  action: RemediationAction;
  /** The instance acted on; a replacement changes it for the steps after. */
  resourceId: string;
  reason: string;
  startedAt: string;
  finishedAt?: string;
  outcome: 'succeeded' | 'failed' | 'not-verified' | 'dry-run';
  detail: string;
}

export interface IncidentReport {
  issueDetected: string;
  resolutionProcess: StepRecord[];
  reason: string;
  actionTaken: string;
  outcome: IncidentStatus;
  decision?: Decision & { at: string };
  /** The resource that is healthy at the end: differs from the incident's after a replacement. */
  finalResourceId?: string;
  /** Set when nothing was changed because the incident ran as a dry run. */
  dryRun?: boolean;
  /** The coding agent's patch to the infrastructure code, when the fix changed what it defines. */
  infraProposal?: InfraProposal;
  /** When several resources alarmed together: the likely root causes, best first. */
  rootCause?: RootCauseRanking;
  /** The model versions that shaped this incident's decisions (detector, root-cause ranking). */
  models?: Record<string, string>;
}

/** One incident as lists show it: what the visibility index knows, and its Web UI link. */
export interface IncidentSummary {
  id: string;
  runId: string;
  resourceId?: string;
  kind?: string;
  status?: string;
  severity?: string;
  mode?: string;
  openedAt: string;
  closedAt?: string;
  webUiUrl: string;
}

export interface IncidentState {
  incidentId: string;
  resourceId: string;
  kind: AnyIncidentKind;
  severity: Severity;
  mode: Mode;
  status: IncidentStatus;
  summary: string;
  openedAt: string;
  plan: RemediationStep[];
  timeline: TimelineEntry[];
  alerts: Alert[];
  diagnosis?: Diagnosis;
  decision?: Decision & { at: string };
  report?: IncidentReport;
  /** The coding agent's proposal for the infrastructure code (drift reconciliation). */
  infraProposal?: InfraProposal;
  rootCause?: RootCauseRanking;
  /** Model versions that shaped the decisions, by model name. */
  models?: Record<string, string>;
  /** Hash of the current plan: approvals are bound to it. */
  planHash?: string;
  /** Approvals given so far for the current plan. */
  approvals?: ApprovalRecord[];
  /** Distinct approvers the current plan needs. */
  approvalsRequired?: number;
  /** Every alert that joined this incident, exactly (the alerts list keeps only the latest). */
  alertCount?: number;
  /** When the incident reached its final status. */
  closedAt?: string;
  /** Alerts that arrived during the cool-down after closing (flapping), recorded instead of reopening. */
  repeatsAfterClose?: number;
}

export function isTerminal(status: IncidentStatus): boolean {
  return (TERMINAL_STATUSES as readonly IncidentStatus[]).includes(status);
}

/**
 * How incident lists read: those still being worked on first, then the closed ones, each newest
 * opened first (a comparator for `sort`).
 */
export function byAttention(
  a: { status?: string; openedAt: string },
  b: { status?: string; openedAt: string },
): number {
  const closed = (i: { status?: string }) =>
    (TERMINAL_STATUSES as readonly string[]).includes(i.status ?? '');
  return Number(closed(a)) - Number(closed(b)) || b.openedAt.localeCompare(a.openedAt);
}

const DEFAULT_SEVERITY: Record<IncidentKind, Severity> = {
  'status-check-failed': 'critical',
  'instance-stopped': 'high',
  'cpu-high': 'medium',
  'restart-requested': 'low',
  'instance-idle': 'low',
  'instance-compromised': 'critical',
  'latency-high': 'high',
  'data-corrupted': 'critical',
  'instance-oversized': 'low',
  'instance-terminated': 'high',
  'disk-filling': 'high',
  'memory-exhaustion': 'high',
  'error-rate-rising': 'high',
  'traffic-surge': 'medium',
  'request-surge': 'medium',
  'not-serving': 'high',
  'egress-surge': 'high',
};

export function defaultSeverity(kind: IncidentKind): Severity {
  return DEFAULT_SEVERITY[kind];
}
