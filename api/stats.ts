import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { mapLimited } from '../domain/concurrency';
import { dashboardFigures, type DashboardFigures, type IncidentFacts } from '../domain/dashboard';
import { isTerminal, type IncidentStatus } from '../domain/incident';
import { budgetStateQuery } from '../workflows/messages';
import { REMEDIATION_BUDGET_WORKFLOW_ID } from '../workflows/remediation-budget';
import type { IncidentService } from './incident-service';

export interface StatsDeps {
  temporal: Client;
  incidents: IncidentService;
  ratings: () => Promise<{ agent: string; meanRating: number; answers: number }[]>;
  limits: { maxConcurrent: number; maxDestructivePerHour: number };
}

const WINDOW_HOURS = 24;
/** Closed incidents whose steps are read for the action figures; the newest first. */
const DETAILED_LIMIT = 300;
const CONCURRENCY = 8;

/**
 * The dashboard's figures over the last 24 hours, from Temporal (the system of record): the
 * visibility index for every incident, each closed one's report for its steps, the budget
 * workflow for what is running now. Computed at most every `cacheMs` however many consoles ask.
 */
export function dashboardStats(deps: StatsDeps, cacheMs = 10_000) {
  let cached: { at: number; figures: Promise<DashboardFigures> } | undefined;
  const compute = async (): Promise<DashboardFigures> => {
    const now = new Date();
    const since = new Date(now.getTime() - WINDOW_HOURS * 3_600_000);
    const summaries = await deps.incidents.recent(since, 2000);
    const closed = summaries.filter((s) => s.status && isTerminal(s.status as IncidentStatus));
    const detailed = new Map(
      (
        await mapLimited(closed.slice(0, DETAILED_LIMIT), CONCURRENCY, async (s) =>
          deps.incidents.get(s.id).catch(() => undefined),
        )
      )
        .filter((d) => d !== undefined)
        .map((d) => [d.id, d]),
    );
    const facts: IncidentFacts[] = summaries.map((s) => {
      const detail = detailed.get(s.id);
      return {
        ...s,
        // The incident closed when its report was written; the workflow may close later, after the flap cool-down.
        closedAt: detail?.closedAt ?? s.closedAt,
        steps: detail?.report?.resolutionProcess,
        instanceType: detail?.diagnosis?.instanceType,
      };
    });
    const [ratings, budget] = await Promise.all([
      deps.ratings().catch(() => []),
      deps.temporal.workflow
        .getHandle(REMEDIATION_BUDGET_WORKFLOW_ID)
        .query(budgetStateQuery)
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        }),
    ]);
    return dashboardFigures(facts, ratings, now, WINDOW_HOURS, {
      activeSteps: budget?.active.length ?? 0,
      maxConcurrent: deps.limits.maxConcurrent,
      destructiveLastHour:
        budget?.destructiveGrants.filter((at) => at > now.getTime() - 3_600_000).length ?? 0,
      maxDestructivePerHour: deps.limits.maxDestructivePerHour,
    });
  };
  return async (): Promise<DashboardFigures> => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const figures = compute();
      cached = { at: Date.now(), figures };
      figures.catch(() => {
        if (cached?.figures === figures) cached = undefined;
      });
    }
    return cached.figures;
  };
}
