import {
  modeForActions,
  parseAutonomy,
  recordOutcome,
  resolveModeWithAutonomy,
  type AutonomySettings,
  type AutonomyState,
} from '../../domain/autonomy';

const settings: AutonomySettings = {
  initial: { 'start-instance': 'manual', 'replace-instance': 'manual' },
  promoteAfter: 2,
};
const outcome = (succeeded: boolean, approved = true, action = 'start-instance') => ({
  action,
  incidentId: 'i',
  approved,
  succeeded,
  at: 't',
});

describe('progressive autonomy', () => {
  test('promoted after N approved successes in a row, demoted on any failure', () => {
    let state: AutonomyState = {};
    expect(modeForActions(state, ['start-instance'], settings)).toBe('manual');
    state = recordOutcome(state, outcome(true), settings);
    expect(modeForActions(state, ['start-instance'], settings)).toBe('manual');
    state = recordOutcome(state, outcome(true), settings);
    expect(modeForActions(state, ['start-instance'], settings)).toBe('auto');
    expect(state['start-instance']?.history.map((h) => h.event)).toEqual([
      'approved-success',
      'approved-success',
      'promoted',
    ]);
    state = recordOutcome(state, outcome(true, false), settings);
    state = recordOutcome(state, outcome(false, false), settings);
    expect(state['start-instance']).toMatchObject({ mode: 'manual', approvedSuccessStreak: 0 });
    expect(state['start-instance']?.history.slice(-2).map((h) => h.event)).toEqual(['failure', 'demoted']);
  });

  test('a failure resets the streak before promotion; a plan is MANUAL if any governed action is', () => {
    let state: AutonomyState = {};
    state = recordOutcome(state, outcome(true), settings);
    state = recordOutcome(state, outcome(false), settings);
    state = recordOutcome(state, outcome(true), settings);
    expect(state['start-instance']?.mode).toBe('manual');
    state = recordOutcome(state, outcome(true), settings);
    expect(modeForActions(state, ['start-instance', 'replace-instance'], settings)).toBe('manual');
    expect(modeForActions(state, ['reboot-instance'], settings)).toBeUndefined();
    expect(recordOutcome(state, outcome(true, true, 'reboot-instance'), settings)).toBe(state);
  });

  test('an explicit request and a MANUAL tag outrank the policy, which outranks the default', () => {
    expect(resolveModeWithAutonomy('auto', 'manual', 'manual', 'manual')).toBe('auto');
    expect(resolveModeWithAutonomy(undefined, 'manual', 'auto', 'auto')).toBe('manual');
    expect(resolveModeWithAutonomy(undefined, 'auto', 'manual', 'auto')).toBe('manual');
    expect(resolveModeWithAutonomy(undefined, undefined, 'auto', 'manual')).toBe('auto');
    expect(resolveModeWithAutonomy(undefined, undefined, undefined, 'manual')).toBe('manual');
    expect(parseAutonomy('start-instance=manual')).toEqual({ 'start-instance': 'manual' });
    expect(() => parseAutonomy('start-instance=maybe')).toThrow('"start-instance=maybe"');
  });
});
