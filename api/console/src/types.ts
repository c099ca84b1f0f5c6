import type { IncidentState, IncidentSummary } from '../../../domain/incident';
export type { DashboardFigures } from '../../../domain/dashboard';
export type { ModelOverview } from '../../../domain/models/registry';
export type { DetectionAnswer } from '../../../domain/detection-verdict';
export type {
  BulkDecisionAnswer,
  DecisionKind,
  IncidentReport,
  StepRecord,
  TimelineEntry,
} from '../../../domain/incident';

export type { IncidentSummary };

export type IncidentDetail = IncidentSummary & Partial<IncidentState>;

export interface Me {
  name: string;
  role: string;
  permissions: string[];
}

export interface Evidence {
  metric: string;
  unit: string;
  openedAt: string;
  closedAt?: string;
  points: { at: string; value: number }[];
  /** Per point, what the fleet monitor's detector takes for usual then; null where it does not judge. */
  usual?: ({ value: number; spread: number } | null)[];
}

export interface ChatAnswer {
  intent: string;
  entities: Record<string, string | number>;
  reply: string;
  executed: boolean;
  incidentId?: string;
  suggestion?: string;
  clarify?: string;
  understoodAs?: string;
  workflowId?: string;
  /** Generated code, its test, and what its checks printed. */
  code?: { source: string; test: string; checks: string };
}

export const TERMINAL = ['resolved', 'failed', 'declined', 'escalated', 'manual', 'dry_run'];
