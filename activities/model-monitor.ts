import type { Client } from '@temporalio/client';
import { CLOSED_STATUS_CLAUSE, earlyRetrainingPrefix, INCIDENT_TYPES_CLAUSE } from '../domain/ids';
import type { IncidentState } from '../domain/incident';
import {
  forecastQuality,
  measureModelQuality,
  type ClosedIncident,
  type LiveForecast,
  type ModelQuality,
} from '../domain/models/monitoring';
import { runningScalingAgents } from './scaling-agents';
import { incidentStateQuery } from '../workflows/messages';
import type { DetectionVerdictRecord, Feedback, FeedbackStore } from './feedback-store';
import { noBucketYet } from './s3-json';
import type { IncidentMetrics } from './incident-metrics';

/** Most incidents read per measurement: the newest ones, which say most about today's models. */
const MAX_INCIDENTS = 500;

/**
 * The incidents that ended in the last `windowHours` (their state, by query: kind, source,
 * diagnosis, steps) joined with the "Was your issue resolved?" answers and the "Was this alarm
 * expected?" ones: what model monitoring judges by and what the remediation policy learns from.
 */
export async function listClosedIncidents(
  temporal: Client,
  feedback: FeedbackStore,
  windowHours: number,
): Promise<ClosedIncident[]> {
  const since = new Date(Date.now() - windowHours * 3_600_000).toISOString();
  const [answers, verdicts] = await Promise.all([
    feedback.list().catch(noBucketYet<Feedback>),
    feedback.listVerdicts().catch(noBucketYet<DetectionVerdictRecord>),
  ]);
  const answerOf = new Map(answers.map((f) => [`${f.incidentId}/${f.runId}`, f]));
  const verdictOf = new Map(verdicts.map((v) => [`${v.incidentId}/${v.runId}`, v.verdict]));
  const closed: ClosedIncident[] = [];
  for await (const execution of temporal.workflow.list({
    query: `${INCIDENT_TYPES_CLAUSE} AND StartTime >= '${since}' AND ${CLOSED_STATUS_CLAUSE}`,
  })) {
    if (closed.length >= MAX_INCIDENTS) break;
    // An incident this worker cannot replay (recorded by code since changed without `patched`) is
    // left out rather than failing the whole measurement.
    const state: IncidentState | undefined = await temporal.workflow
      .getHandle(execution.workflowId, execution.runId)
      .query(incidentStateQuery)
      .catch(() => undefined);
    if (!state) continue;
    const run = `${execution.workflowId}/${execution.runId}`;
    const answer = answerOf.get(run);
    const verdict = verdictOf.get(run);
    closed.push({
      id: execution.workflowId,
      kind: state.kind,
      source: state.alerts[0]?.source ?? 'unknown',
      ...(state.models?.detector ? { detectorVersion: state.models.detector } : {}),
      status: state.status,
      steps: state.report?.resolutionProcess ?? [],
      ...(state.diagnosis ? { diagnosis: state.diagnosis } : {}),
      ...(answer ? { feedback: { resolved: answer.resolved, rating: answer.rating } } : {}),
      ...(verdict ? { detectionVerdict: verdict } : {}),
    });
  }
  return closed;
}

/** The live forecasts of the running predictive scaling agents (their state query). */
async function liveForecasts(temporal: Client): Promise<LiveForecast[]> {
  return (await runningScalingAgents(temporal)).flatMap(({ state }) =>
    state?.forecast ? [state.forecast] : [],
  );
}

/** Model monitoring's measurement, published as `medic_model_quality` on the worker's metrics. */
export function createModelMonitorActivities(
  temporal: Client,
  feedback: FeedbackStore,
  metrics: IncidentMetrics | undefined,
) {
  return {
    /**
     * The latest retraining model monitoring started early for `model` within the last `windowHours`,
     * if any: while the live figure still counts the incidents that triggered it, another one would
     * learn from the same incidents again.
     */
    async lastEarlyRetraining(input: {
      model: string;
      windowHours: number;
    }): Promise<{ workflowId: string; startedAt: string; until: string } | undefined> {
      const since = new Date(Date.now() - input.windowHours * 3_600_000);
      const prefix = earlyRetrainingPrefix(input.model);
      let latest: { workflowId: string; start: Date } | undefined;
      for await (const execution of temporal.workflow.list({
        query: `WorkflowType = 'retrainModelWorkflow' AND StartTime > '${since.toISOString()}'`,
      })) {
        if (execution.workflowId.startsWith(prefix) && (!latest || execution.startTime > latest.start))
          latest = { workflowId: execution.workflowId, start: execution.startTime };
      }
      return (
        latest && {
          workflowId: latest.workflowId,
          startedAt: latest.start.toISOString(),
          until: new Date(latest.start.getTime() + input.windowHours * 3_600_000).toISOString(),
        }
      );
    },

    async measureLiveModelQuality(input: { windowHours: number }): Promise<ModelQuality[]> {
      const quality = [
        ...measureModelQuality(await listClosedIncidents(temporal, feedback, input.windowHours)),
        forecastQuality(await liveForecasts(temporal)),
      ];
      for (const q of quality) metrics?.modelQuality(q.model, q.measure, q.value, q.samples);
      return quality;
    },
  };
}
