import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readJsonObjects } from './s3-json';

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

export interface AgentRating {
  agent: string;
  answers: number;
  meanRating: number;
  resolvedShare: number;
}

export interface FeedbackStore {
  /** Idempotent per incident run: answering again replaces the earlier answer. */
  put(feedback: Feedback): Promise<void>;
  list(): Promise<Feedback[]>;
}

export function createFeedbackStore(
  s3: S3Client,
  bucket: string,
  ensureBucket: () => Promise<void>,
): FeedbackStore {
  const key = (f: Pick<Feedback, 'incidentId' | 'runId'>) =>
    `feedback/${encodeURIComponent(f.incidentId)}/${f.runId}.json`;
  return {
    async put(feedback) {
      await ensureBucket();
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key(feedback),
          Body: JSON.stringify(feedback),
          ContentType: 'application/json',
        }),
      );
    },
    async list() {
      await ensureBucket();
      return readJsonObjects<Feedback>(s3, bucket, 'feedback/');
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
