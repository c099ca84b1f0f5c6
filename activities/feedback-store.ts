import type { S3Client } from '@aws-sdk/client-s3';
import type { AgentRating } from '../domain/agents';
import type { DetectionVerdictRecord } from '../domain/detection-verdict';
import { readJsonObjectIfAny, readJsonObjects, writeJsonObject } from './s3-json';

export type { DetectionVerdictRecord };

/** "Was your issue resolved?": one answer per incident run, kept beside the models it trains. */
export interface Feedback {
  incidentId: string;
  runId: string;
  agent: string;
  kind: string;
  outcome: string;
  resolved: boolean;
  rating: number;
  comment?: string;
  at: string;
}

export interface FeedbackStore {
  /** Idempotent per incident run: answering again replaces the earlier answer. */
  put(feedback: Feedback): Promise<void>;
  list(): Promise<Feedback[]>;
  /** Idempotent per incident run: the latest word replaces the earlier one, as it does in the monitor. */
  putVerdict(verdict: DetectionVerdictRecord): Promise<void>;
  getVerdict(incidentId: string, runId: string): Promise<DetectionVerdictRecord | undefined>;
  listVerdicts(): Promise<DetectionVerdictRecord[]>;
}

const FEEDBACK = 'feedback/';
const VERDICTS = 'detection-verdicts/';

export function createFeedbackStore(
  s3: S3Client,
  bucket: string,
  ensureBucket: () => Promise<void>,
): FeedbackStore {
  const key = (prefix: string, incidentId: string, runId: string) =>
    `${prefix}${encodeURIComponent(incidentId)}/${encodeURIComponent(runId)}.json`;
  return {
    async put(feedback) {
      await ensureBucket();
      await writeJsonObject(s3, bucket, key(FEEDBACK, feedback.incidentId, feedback.runId), feedback);
    },
    async list() {
      await ensureBucket();
      return readJsonObjects<Feedback>(s3, bucket, FEEDBACK);
    },
    async putVerdict(verdict) {
      await ensureBucket();
      await writeJsonObject(s3, bucket, key(VERDICTS, verdict.incidentId, verdict.runId), verdict);
    },
    async getVerdict(incidentId, runId) {
      await ensureBucket();
      return readJsonObjectIfAny<DetectionVerdictRecord>(s3, bucket, key(VERDICTS, incidentId, runId));
    },
    async listVerdicts() {
      await ensureBucket();
      return readJsonObjects<DetectionVerdictRecord>(s3, bucket, VERDICTS);
    },
  };
}

export function ratingsByAgent(feedback: Feedback[]): AgentRating[] {
  const byAgent = new Map<string, Feedback[]>();
  for (const f of feedback) byAgent.set(f.agent, [...(byAgent.get(f.agent) ?? []), f]);
  return [...byAgent.entries()]
    .map(([agent, answers]) => ({
      agent,
      answers: answers.length,
      meanRating: answers.reduce((s, f) => s + f.rating, 0) / answers.length,
      resolvedShare: answers.filter((f) => f.resolved).length / answers.length,
    }))
    .sort((a, b) => a.agent.localeCompare(b.agent));
}

export { agentOf } from '../domain/agents';
