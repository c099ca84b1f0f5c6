import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createLearningActivities, ScoredVersion } from '../activities/learning';
import { shouldPromote } from '../domain/models/registry';
import { stableHash } from '../domain/random';

const { trainCandidate, scoreActive, promoteVersion } = proxyActivities<
  ReturnType<typeof createLearningActivities>
>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

export interface RetrainInput {
  model: string;
  /** Training examples (simulated incidents or cascades). */
  examples?: number;
  /**
   * A candidate must beat the active version by more than this on the same held-out data; by default
   * the trainer's margin for its metric (0.5 NAB points for the detector, 0.005 for the shares).
   */
  minimumGain?: number;
}

export interface RetrainResult {
  model: string;
  candidate: ScoredVersion;
  active?: ScoredVersion;
  promoted: boolean;
  reason: string;
}

/** A stable number from the run id: each run trains on its own data, the same on replay. */
function seedFrom(text: string): number {
  return stableHash(text) % 1_000_000_007;
}

/**
 * Train → evaluate on held-out data → compare with the active version (the shipped model while none is
 * promoted) → promote only if better.
 */
export async function retrainModelWorkflow(input: RetrainInput): Promise<RetrainResult> {
  const { runId } = workflowInfo();
  const seed = seedFrom(runId);
  const heldOutSeed = seedFrom(`${runId}/held-out`);
  const candidate = await trainCandidate({
    model: input.model,
    version: `${input.model}-${runId}`,
    seed,
    examples: input.examples ?? 400,
    heldOutSeed,
  });
  const active = await scoreActive({ model: input.model, heldOutSeed });
  // A candidate recorded before trainers named their margin carries none: half a percent, as then.
  const gain = input.minimumGain ?? candidate.minimumGain ?? 0.005;
  let promoted = shouldPromote(candidate.score, active?.score, gain);
  const tested = candidate.backtest
    ? `; backtest on ${candidate.backtest.incidents} recorded incidents: estimated first-action success ${candidate.backtest.estimate.toFixed(3)}, same first choice as was tried in ${(100 * candidate.backtest.matched).toFixed(0)} %${candidate.backtest.amongMatched === undefined || candidate.backtest.matched === 0 ? '' : ` (${candidate.backtest.amongMatched.toFixed(3)} of those recovered)`}`
    : '';
  // Runs recorded before scoreActive judged the shipped model have no `active` when none was promoted.
  const against = active?.shipped
    ? `${active.shipped}, which decides while none is promoted,`
    : `the active ${active?.version ?? ''}`;
  let reason = active
    ? `${candidate.metric} ${candidate.score.toFixed(4)} vs ${active.score.toFixed(4)} for ${against} on the same held-out data (needs +${gain})${tested}`
    : `${candidate.metric} ${candidate.score.toFixed(4)}; no active version yet${tested}`;
  if (promoted) {
    const outcome = await promoteVersion({
      model: input.model,
      version: candidate.version,
      reason,
      ...(active ? { expectedActive: active.version } : {}),
    });
    // Runs recorded before promotions were conditional have no outcome: they promoted.
    if (outcome && !outcome.promoted) {
      promoted = false;
      reason = `${reason}; but ${outcome.activeNow} became active while this run judged ${active?.version ?? 'it'} (a rollback or another run), so nothing was changed: retrain to compare with it`;
    }
  }
  log.info('retraining finished', { model: input.model, promoted, reason });
  return { model: input.model, candidate, active, promoted, reason };
}
