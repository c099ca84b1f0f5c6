import type { Diagnosis } from './incident';

/**
 * What a diagnosis says beyond state and status checks, read the same way by the planner, the
 * remediation policy's symptoms and troubleshooting.
 */

/** Peak memory use (percent) at which an instance counts as short of memory. */
export const MEMORY_HIGH_PERCENT = 90;
/** Swap in use (percent) at which the system counts as swapping. */
export const SWAP_HIGH_PERCENT = 20;
/**
 * An instance a deploy launched this recently counts as freshly deployed: a bad release shows within
 * hours, while an instance that has served for a day since is judged on its own symptoms.
 */
export const RECENT_DEPLOY_MINUTES = 6 * 60;

export const isShortOfMemory = (d: Diagnosis | undefined): boolean =>
  (d?.recentMaxMemory ?? 0) >= MEMORY_HIGH_PERCENT;

export const isSwapping = (d: Diagnosis | undefined): boolean => (d?.recentMaxSwap ?? 0) >= SWAP_HIGH_PERCENT;

/** The deploy that launched the instance, when that was recent enough to suspect it. */
export const recentDeploy = (d: Diagnosis | undefined): Diagnosis['deploy'] =>
  d?.deploy && d.deploy.minutesAgo <= RECENT_DEPLOY_MINUTES ? d.deploy : undefined;
