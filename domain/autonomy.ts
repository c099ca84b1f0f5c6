import { parseActionList } from './action-list';
import type { Mode } from './incident';

/**
 * Progressive autonomy: an action type governed by the policy starts in the mode it is given (say
 * MANUAL), is promoted to AUTO after `promoteAfter` approved successes in a row, and drops back to
 * MANUAL on any failure.
 */
export interface AutonomyEvent {
  at: string;
  incidentId: string;
  event: 'approved-success' | 'auto-success' | 'failure' | 'promoted' | 'demoted';
}

export interface ActionAutonomy {
  mode: Mode;
  approvedSuccessStreak: number;
  /** Newest last, bounded. */
  history: AutonomyEvent[];
}

export interface AutonomySettings {
  /** Governed action types and the mode each starts in. */
  initial: Record<string, Mode>;
  promoteAfter: number;
}

export type AutonomyState = Record<string, ActionAutonomy>;

export interface ActionOutcome {
  action: string;
  incidentId: string;
  /** A person approved the action (not AUTO, not the escalation policy). */
  approved: boolean;
  succeeded: boolean;
  at: string;
}

const HISTORY_KEPT = 50;

export function actionState(
  state: AutonomyState,
  action: string,
  settings: AutonomySettings,
): ActionAutonomy | undefined {
  const initial = settings.initial[action];
  if (initial === undefined) return undefined;
  return state[action] ?? { mode: initial, approvedSuccessStreak: 0, history: [] };
}

/** MANUAL when any governed action of the plan is MANUAL; AUTO when all governed ones are; undefined when none is governed. */
export function modeForActions(
  state: AutonomyState,
  actions: string[],
  settings: AutonomySettings,
): Mode | undefined {
  const governed = actions.flatMap((a) => actionState(state, a, settings) ?? []);
  if (governed.length === 0) return undefined;
  return governed.some((g) => g.mode === 'manual') ? 'manual' : 'auto';
}

export function recordOutcome(
  state: AutonomyState,
  outcome: ActionOutcome,
  settings: AutonomySettings,
): AutonomyState {
  const current = actionState(state, outcome.action, settings);
  if (!current) return state;
  const events: AutonomyEvent['event'][] = [];
  let { mode, approvedSuccessStreak } = current;
  if (!outcome.succeeded) {
    events.push('failure');
    if (mode === 'auto') events.push('demoted');
    mode = 'manual';
    approvedSuccessStreak = 0;
  } else if (outcome.approved) {
    approvedSuccessStreak++;
    events.push('approved-success');
    if (mode === 'manual' && approvedSuccessStreak >= settings.promoteAfter) {
      mode = 'auto';
      events.push('promoted');
    }
  } else {
    events.push('auto-success');
  }
  const history = [
    ...current.history,
    ...events.map((event) => ({ at: outcome.at, incidentId: outcome.incidentId, event })),
  ].slice(-HISTORY_KEPT);
  return { ...state, [outcome.action]: { mode, approvedSuccessStreak, history } };
}

/**
 * Who decides the mode: an explicit request, then a resource tagged MANUAL, then the autonomy
 * policy for the plan's actions, then the resource's tag, then the default.
 */
export function resolveModeWithAutonomy(
  requested: Mode | undefined,
  tagged: Mode | undefined,
  autonomy: Mode | undefined,
  fallback: Mode,
): Mode {
  if (requested) return requested;
  if (tagged === 'manual') return 'manual';
  return autonomy ?? tagged ?? fallback;
}

/** `start-instance=manual,replace-instance=manual` → initial modes; errors name the entry. */
export function parseAutonomy(spec: string): Record<string, Mode> {
  return parseActionList(spec, /^(auto|manual)$/, 'start-instance=manual', (value) => value as Mode);
}
