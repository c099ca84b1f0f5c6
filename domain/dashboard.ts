import { AGENTS, agentOf } from './agents';
import { downsizeSaving, monthlySaving } from './cost';
import { previousInstanceSize } from './sizing';
import { OPEN_STATUSES, SEVERITIES, type IncidentSummary, type StepRecord } from './incident';

/** What the console's dashboard needs to know of one incident. */
export interface IncidentFacts extends Pick<
  IncidentSummary,
  'kind' | 'status' | 'severity' | 'mode' | 'openedAt' | 'closedAt'
> {
  steps?: StepRecord[];
  /** For the cost agent's incidents: what the stopped instance was, to price the saving. */
  instanceType?: string;
}

export interface AgentFigures {
  agent: string;
  incidents: number;
  actions: number;
  succeeded: number;
  successRate: number | null;
  meanRating: number | null;
  answers: number;
}

export interface BudgetFigures {
  activeSteps: number;
  maxConcurrent: number;
  destructiveLastHour: number;
  maxDestructivePerHour: number;
}

export interface DashboardFigures {
  generatedAt: string;
  windowHours: number;
  incidents: number;
  openBySeverity: Record<string, number>;
  openByStatus: Record<string, number>;
  outcomes: Record<string, number>;
  closed: number;
  autoResolved: number;
  autoResolutionRate: number | null;
  mttrSeconds: number | null;
  agents: AgentFigures[];
  /** One bucket per hour of the window, oldest first: remediation steps started in that hour. */
  actionsPerHour: { hour: string; actions: number }[];
  budget?: BudgetFigures;
  /** USD a month saved by instances the cost agent stopped in the window (on-demand prices). */
  costSavedPerMonth: number;
  /** Stopped by the cost agent whose type has no price on file: counted, not priced. */
  costUnpriced: number;
}

const HOUR_MS = 3_600_000;
const isOpen = (status: string | undefined) => (OPEN_STATUSES as readonly string[]).includes(status ?? '');

/**
 * The dashboard's figures over a window of incidents: open ones by severity and status, how closed
 * ones ended, mean time to resolve, the share resolved without a person, and each agent's record.
 */
export function dashboardFigures(
  incidents: IncidentFacts[],
  ratings: { agent: string; meanRating: number; answers: number }[],
  now: Date,
  windowHours = 24,
  budget?: BudgetFigures,
): DashboardFigures {
  const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  const openByStatus = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0]));
  const outcomes: Record<string, number> = {};
  let closed = 0;
  let costSaved = 0;
  let costUnpriced = 0;
  let autoResolved = 0;
  const resolveTimes: number[] = [];
  const firstHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (windowHours - 1) * HOUR_MS;
  const actionsPerHour = Array.from({ length: windowHours }, (_, i) => ({
    hour: new Date(firstHour + i * HOUR_MS).toISOString(),
    actions: 0,
  }));
  const agents = new Map<string, AgentFigures>(
    AGENTS.map((agent) => [
      agent,
      { agent, incidents: 0, actions: 0, succeeded: 0, successRate: null, meanRating: null, answers: 0 },
    ]),
  );
  for (const incident of incidents) {
    const agent = agents.get(agentOf(incident.kind));
    if (agent) agent.incidents += 1;
    if (isOpen(incident.status)) {
      if (incident.severity && incident.severity in openBySeverity) openBySeverity[incident.severity] += 1;
      if (incident.status) openByStatus[incident.status] += 1;
    } else if (incident.status) {
      closed += 1;
      outcomes[incident.status] = (outcomes[incident.status] ?? 0) + 1;
      if (
        incident.status === 'resolved' &&
        (incident.kind === 'instance-idle' || incident.kind === 'instance-oversized')
      ) {
        const saving =
          incident.kind === 'instance-idle'
            ? monthlySaving(incident.instanceType)
            : downsizeSaving(incident.instanceType, previousInstanceSize(incident.instanceType));
        if (saving === undefined) costUnpriced += 1;
        else costSaved += saving;
      }
      if (incident.status === 'resolved') {
        if (incident.mode === 'auto') autoResolved += 1;
        const ended = incident.closedAt ?? incident.steps?.at(-1)?.finishedAt;
        if (ended) resolveTimes.push((Date.parse(ended) - Date.parse(incident.openedAt)) / 1000);
      }
    }
    for (const step of incident.steps ?? []) {
      if (step.outcome === 'dry-run') continue;
      if (agent) {
        agent.actions += 1;
        if (step.outcome === 'succeeded') agent.succeeded += 1;
      }
      const bucket = Math.floor((Date.parse(step.startedAt) - firstHour) / HOUR_MS);
      if (bucket >= 0 && bucket < windowHours) actionsPerHour[bucket].actions += 1;
    }
  }
  for (const rating of ratings) {
    const agent = agents.get(rating.agent);
    if (agent) Object.assign(agent, { meanRating: rating.meanRating, answers: rating.answers });
  }
  for (const agent of agents.values())
    agent.successRate = agent.actions ? agent.succeeded / agent.actions : null;
  return {
    generatedAt: now.toISOString(),
    windowHours,
    incidents: incidents.length,
    openBySeverity,
    openByStatus,
    outcomes,
    closed,
    autoResolved,
    autoResolutionRate: closed ? autoResolved / closed : null,
    mttrSeconds: resolveTimes.length ? resolveTimes.reduce((a, b) => a + b, 0) / resolveTimes.length : null,
    agents: [...agents.values()],
    actionsPerHour,
    ...(budget ? { budget } : {}),
    costSavedPerMonth: Math.round(costSaved * 100) / 100,
    costUnpriced,
  };
}
