import type { MaintenanceWindow } from '../domain/maintenance-window';
import { AUTONOMY_POLICY_WORKFLOW_ID, autonomyStateQuery } from '../workflows/autonomy-policy';
import { INCIDENT_TYPES_CLAUSE, INCIDENT_WORKFLOW_TYPES, OPEN_STATUS_CLAUSE } from '../domain/ids';
import type { AutonomySettings, AutonomyState } from '../domain/autonomy';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionInfo,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { openOrJoinIncident, recordAlertResolved, type OpenedIncident } from '../activities/incident-starter';
import {
  byAttention,
  type Decision,
  type IncidentRequest,
  type IncidentState,
  type IncidentSummary,
} from '../domain/incident';
import {
  decisionUpdate,
  incidentStateQuery,
  DECISION_REFUSED,
  INVALID_DECISION,
  NOT_AWAITING_DECISION,
  type DecisionAck,
} from '../workflows/messages';
import {
  MEDIC_KIND,
  MEDIC_MODE,
  MEDIC_RESOURCE,
  MEDIC_SEVERITY,
  MEDIC_STATUS,
} from '../workflows/search-attributes';
import { ApiError } from './errors';
import { blockStateQuery, liftBlockSignal, type LiftRequest } from '../workflows/block-source';
import type { ListIncidentsQuery } from './schemas';
import { AGENT_KINDS } from '../domain/agents';
import type { Logger } from 'pino';

export type { IncidentSummary };

export type IncidentDetail = IncidentSummary &
  Partial<
    Pick<
      IncidentState,
      | 'plan'
      | 'timeline'
      | 'report'
      | 'diagnosis'
      | 'summary'
      | 'alerts'
      | 'decision'
      | 'planHash'
      | 'approvals'
      | 'approvalsRequired'
      | 'alertCount'
      | 'closedAt'
      | 'repeatsAfterClose'
      | 'models'
    >
  >;

/** The API's view of incidents: Temporal is the system of record, visibility the index. */
export class IncidentService {
  constructor(
    private readonly temporal: Client,
    private readonly webUiBase: string,
    private readonly logger?: Pick<Logger, 'warn'>,
    /** The window of planned work an instance is under now, if any (decision 0064). */
    private readonly maintenance?: (resourceId: string) => Promise<MaintenanceWindow | undefined>,
  ) {}

  /** The maintenance window that keeps alerts on this resource from opening incidents now, if any. */
  async maintenanceOf(resourceId: string): Promise<MaintenanceWindow | undefined> {
    return this.maintenance?.(resourceId);
  }

  webUiUrl(id: string, runId: string): string {
    return `${this.webUiBase}/namespaces/${this.temporal.options.namespace}/workflows/${encodeURIComponent(id)}/${runId}/history`;
  }

  /** The progressive-autonomy policy and its history; empty until an incident has consulted it. */
  async autonomy(): Promise<{ settings?: AutonomySettings; actions: AutonomyState }> {
    try {
      return await this.temporal.workflow.getHandle(AUTONOMY_POLICY_WORKFLOW_ID).query(autonomyStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { actions: {} };
      throw err;
    }
  }

  async open(request: IncidentRequest, alertCount = 1): Promise<OpenedIncident> {
    return openOrJoinIncident(this.temporal, request, alertCount);
  }

  async recordResolved(request: IncidentRequest): Promise<string | undefined> {
    return recordAlertResolved(this.temporal, request);
  }

  private summarise(info: Omit<WorkflowExecutionInfo, 'raw'>): IncidentSummary {
    const attrs = info.typedSearchAttributes;
    const closedStatus =
      info.status.name === 'RUNNING' || info.status.name === 'COMPLETED' ? undefined : 'failed';
    return {
      id: info.workflowId,
      runId: info.runId,
      resourceId: attrs.get(MEDIC_RESOURCE),
      kind: attrs.get(MEDIC_KIND),
      status: closedStatus ?? attrs.get(MEDIC_STATUS),
      severity: attrs.get(MEDIC_SEVERITY),
      mode: attrs.get(MEDIC_MODE),
      openedAt: info.startTime.toISOString(),
      ...(info.closeTime ? { closedAt: info.closeTime.toISOString() } : {}),
      webUiUrl: this.webUiUrl(info.workflowId, info.runId),
    };
  }

  /** Open incidents in one status, or of one severity, counted in the visibility index. */
  async countOpen(status: string | undefined, severity: string | undefined): Promise<number> {
    const clauses = [INCIDENT_TYPES_CLAUSE, `ExecutionStatus = 'Running'`];
    clauses.push(status ? `MedicStatus = '${status}'` : OPEN_STATUS_CLAUSE);
    if (severity) clauses.push(`MedicSeverity = '${severity}'`);
    return (await this.temporal.workflow.count(clauses.join(' AND '))).count;
  }

  /** Every incident opened since `since`, up to `limit`, in `listWhere`'s order. */
  async recent(since: Date, limit: number): Promise<IncidentSummary[]> {
    return this.listWhere(`${INCIDENT_TYPES_CLAUSE} AND StartTime > '${since.toISOString()}'`, limit);
  }

  /**
   * Incidents matching a visibility query, up to `limit`: those still being worked on first, then the
   * rest, each newest opened first. The index (SQL visibility takes no ORDER BY) gives running
   * workflows first, then by closing time, and a resolved incident's workflow runs on through its
   * flap cool-down: in its order a resolved incident sat above one awaiting a decision, and the
   * OPENED column zig-zagged. It still chooses which `limit` incidents are shown.
   */
  private async listWhere(query: string, limit: number): Promise<IncidentSummary[]> {
    const incidents: IncidentSummary[] = [];
    for await (const info of this.temporal.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
      incidents.push(this.summarise(info));
      if (incidents.length >= limit) break;
    }
    return incidents.sort(byAttention);
  }

  async list(filter: ListIncidentsQuery): Promise<IncidentSummary[]> {
    // Every value below was validated against an enum or a safe alphabet before it got here.
    const clauses = [INCIDENT_TYPES_CLAUSE];
    if (filter.status) clauses.push(`MedicStatus = '${filter.status}'`);
    if (filter.resourceId) clauses.push(`MedicResource = '${filter.resourceId}'`);
    if (filter.mode) clauses.push(`MedicMode = '${filter.mode}'`);
    if (filter.kind) clauses.push(`MedicKind = '${filter.kind}'`);
    if (filter.severity) clauses.push(`MedicSeverity = '${filter.severity}'`);
    if (filter.agent)
      clauses.push(`MedicKind IN (${AGENT_KINDS[filter.agent].map((k) => `'${k}'`).join(', ')})`);
    return this.listWhere(clauses.join(' AND '), filter.limit);
  }

  private async describe(id: string): Promise<WorkflowExecutionDescription> {
    try {
      const info = await this.temporal.workflow.getHandle(id).describe();
      if (!(INCIDENT_WORKFLOW_TYPES as readonly string[]).includes(info.type))
        throw new ApiError('not_found', `No incident ${id}`);
      return info;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ApiError('not_found', `No incident ${id}`);
      throw err;
    }
  }

  /**
   * What the visibility record says of one incident (id, run, kind, status, opening), without asking
   * its workflow: a closed incident's query replays its history on a worker, which a route that needs
   * only the run should not wait for. A 404 for an unknown id, as `get`.
   */
  async summary(id: string): Promise<IncidentSummary> {
    return this.summarise(await this.describe(id));
  }

  async get(id: string): Promise<IncidentDetail> {
    const info = await this.describe(id);
    const summary = this.summarise(info);
    try {
      const state = await this.temporal.workflow.getHandle(id, info.runId).query(incidentStateQuery);
      const { plan, timeline, report, diagnosis, summary: text, alerts, decision } = state;
      const { planHash, approvals, approvalsRequired, alertCount, closedAt, repeatsAfterClose, models } =
        state;
      return {
        ...summary,
        status: summary.status === 'failed' ? 'failed' : state.status,
        mode: state.mode,
        severity: state.severity,
        plan,
        timeline,
        report,
        diagnosis,
        summary: text,
        alerts,
        decision,
        planHash,
        approvals,
        approvalsRequired,
        alertCount,
        closedAt,
        repeatsAfterClose,
        models,
      };
    } catch (err) {
      // Without a worker the state cannot be queried; the index still says where it stands.
      this.logger?.warn(
        { incidentId: id, workflowId: id, error: (err as Error).message },
        'incident query failed; answering from the visibility index',
      );
      return summary;
    }
  }

  /**
   * Lifts a flood block before its time: the person who asks, and why, go into the lift step. Only a
   * traffic-flood incident holding a block can be lifted; the workflow lifts every ACL entry it made.
   */
  async liftBlock(id: string, request: LiftRequest): Promise<{ id: string; cidr: string; lifting: true }> {
    const info = await this.describe(id);
    if (info.type !== 'blockSourceWorkflow')
      throw new ApiError('conflict', `Incident ${id} is not a traffic flood; it holds no block to lift`);
    if (info.status.name !== 'RUNNING')
      throw new ApiError('conflict', `Incident ${id} is closed; its block, if any, is already lifted`);
    const handle = this.temporal.workflow.getHandle(id, info.runId);
    const block = await handle.query(blockStateQuery);
    if (block.status !== 'blocked')
      throw new ApiError('conflict', `Incident ${id} holds no block to lift (${block.status})`);
    await handle.signal(liftBlockSignal, request);
    return { id, cidr: block.cidr, lifting: true };
  }

  async decide(id: string, decision: Decision): Promise<DecisionAck & { id: string }> {
    const info = await this.describe(id);
    if (info.status.name !== 'RUNNING')
      throw new ApiError('conflict', `Incident ${id} is closed; it does not await a decision`);
    try {
      const ack = await this.temporal.workflow
        .getHandle(id, info.runId)
        .executeUpdate(decisionUpdate, { args: [decision] });
      return { id, ...ack };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        if (err.cause.type === NOT_AWAITING_DECISION || err.cause.type === DECISION_REFUSED)
          throw new ApiError('conflict', err.cause.message);
        if (err.cause.type === INVALID_DECISION) throw new ApiError('bad_request', err.cause.message);
      }
      if (err instanceof WorkflowNotFoundError)
        throw new ApiError('conflict', `Incident ${id} closed before the decision arrived`);
      throw err;
    }
  }
}
