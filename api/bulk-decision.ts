import type { Logger } from 'pino';
import type { BulkDecisionAnswer, BulkDecisionPart, Decision } from '../domain/incident';
import { ApiError, ERROR_STATUS, type ErrorCode } from './errors';
import type { IncidentService } from './incident-service';

export type BulkDecisionResult = BulkDecisionPart<ErrorCode>;

/** The route's answer: each part in the order asked, and how many were decided. */
export function bulkAnswer(
  decision: Decision['decision'],
  results: BulkDecisionResult[],
): BulkDecisionAnswer<ErrorCode> {
  const decided = results.filter((r) => r.ok).length;
  return { decision, decided, refused: results.length - decided, results };
}

/**
 * Sends one person's decision to each incident in turn, as separate decisions: each incident checks
 * it against its own plan, quorum and state, so one that closed by itself, or needs its planHash, is
 * refused alone and the others go on. Nothing is undone when one is refused: each is a decision of
 * its own, and the answer says which were taken.
 */
export async function decideEach(
  incidents: Pick<IncidentService, 'decide'>,
  targets: { id: string; planHash?: string | undefined }[],
  decision: Omit<Decision, 'planHash'>,
  logger: Pick<Logger, 'error'>,
): Promise<BulkDecisionResult[]> {
  const results: BulkDecisionResult[] = [];
  for (const target of targets) {
    try {
      const ack = await incidents.decide(target.id, {
        ...decision,
        ...(target.planHash ? { planHash: target.planHash } : {}),
      });
      results.push({ ...ack, id: target.id, ok: true });
    } catch (err) {
      if (!(err instanceof ApiError)) logger.error({ err, incidentId: target.id }, 'bulk decision failed');
      const error =
        err instanceof ApiError
          ? { code: err.code, message: err.message }
          : { code: 'internal' as const, message: 'Internal error' };
      results.push({ id: target.id, ok: false, error });
    }
  }
  return results;
}

/** The HTTP status each incident's part would have had on its own: the audit log records it per incident. */
export const statusOf = (result: BulkDecisionResult): number =>
  result.ok ? 202 : ERROR_STATUS[result.error.code];
