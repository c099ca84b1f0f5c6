import type { IncidentRequest } from '../incident';
import type { RootCauseRanking } from './live';

/** Trend model behind proactive incidents (domain/maintenance.ts): disks, memory, error rates. */
export const TREND_FORECAST_VERSION = 'theil-sen-trend-1';
const FORECAST_KINDS: readonly string[] = ['disk-filling', 'memory-exhaustion', 'error-rate-rising'];

/**
 * The models that shaped how this incident was opened, before any ranking. The streaming detector
 * only when it judged (its findings carry its version): the detection loop also opens incidents by
 * fixed rules (a stopped instance, failing status checks, the CPU backstop) and by trend forecasts.
 */
export function modelsBehind(
  request: Pick<IncidentRequest, 'source' | 'kind' | 'detectorVersion'>,
): Record<string, string> {
  const models: Record<string, string> = {};
  if (request.detectorVersion) models.detector = request.detectorVersion;
  if (FORECAST_KINDS.includes(request.kind)) models['trend-forecast'] = TREND_FORECAST_VERSION;
  return models;
}

/** How many of the alarming resources a timeline line names; a storm's are counted, not listed. */
const ALARMING_NAMED = 5;

/**
 * The likeliest cause of the incident's own resource. A ranking recorded before `causeOfResource`
 * was kept reads the fleet's first-ranked resource, as it did then.
 */
export const likelyCauseOf = (ranking: RootCauseRanking): string | undefined =>
  ranking.causeOfResource ?? ranking.top[0]?.resource;

/** Whether this incident's resource is its own likeliest cause. */
function verdictFor(ranking: RootCauseRanking, resourceId: string): string {
  const cause = likelyCauseOf(ranking);
  return cause === resourceId
    ? `${resourceId} itself is the likeliest cause.`
    : `The likeliest cause is ${cause}, not ${resourceId}: healing ${resourceId} alone may not last.`;
}

/** One timeline line: the ranking, and whether this incident's resource is the likely cause. */
export function describeRanking(ranking: RootCauseRanking, resourceId: string): string {
  const list = ranking.top.map((c, i) => `${i + 1}. ${c.resource} (${c.score.toFixed(2)})`).join(', ');
  const verdict = verdictFor(ranking, resourceId);
  const shown = ranking.alarming.slice(0, ALARMING_NAMED);
  const more = ranking.alarming.length - shown.length;
  const alarming = `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  if (ranking.independent && likelyCauseOf(ranking) === resourceId)
    return `Root-cause ranking (${ranking.modelVersion}): ${ranking.alarming.length} resources alarm together (${alarming}), but nothing they share can cause their symptoms and none depends on another, so each alarm is its own cause. ${verdict}`;
  return `Root-cause ranking (${ranking.modelVersion}) of ${ranking.alarming.length} resources alarming together (${alarming}), likeliest cause first: ${list}. ${verdict}`;
}
