import { formatScalingState } from '../../cli/scale';
import type { ScalingState } from '../../workflows/scaling-agent';

describe('medic scale status', () => {
  test('a predictive agent: its decision, the forecast, its live error and why it was refitted, the latest changes', () => {
    const state: ScalingState = {
      group: 'web-asg',
      last: 'scaling ahead of demand: forecast peak 180 instance-%',
      forecast: {
        ready: true,
        need: 4,
        peak: 180.4,
        upper: 201.9,
        mape: 0.123,
        measuredSteps: 40,
        fit: { smoothing: { alpha: 0.3, beta: 0.01, gamma: 0.2 }, heldOutMape: 0.05, defaultMape: 0.08 },
        seededAt: '2026-11-26T10:00:00.000Z',
        refitReason: 'live one-step error 90 % over 40 steps is above 30 %',
      },
      actions: Array.from({ length: 7 }, (_, i) => ({
        at: `2026-11-26T1${i}:00:00.000Z`,
        from: i + 1,
        to: i + 2,
        reason: `change ${i}`,
      })),
    };
    const text = formatScalingState(state).split('\n');
    expect(text[0]).toBe('group web-asg: scaling ahead of demand: forecast peak 180 instance-%');
    expect(text[1]).toBe('forecast: peak 180 instance-% over the boot time (upper 202), needs 4 instances');
    expect(text[2]).toBe(
      'live one-step error 12.3 % over 40 steps; smoothing chosen at 5.0 % on the last day (shipped default 8.0 %)',
    );
    expect(text[3]).toBe(
      'fitted on history at 2026-11-26T10:00:00.000Z (early: live one-step error 90 % over 40 steps is above 30 %)',
    );
    // The five latest changes, oldest first.
    expect(text.slice(5)).toHaveLength(5);
    expect(text[5]).toContain('3 → 4  change 2');
    expect(text[9]).toContain('7 → 8  change 6');
    // A group whose baseline came from the registry names the version its fit was compared with.
    const fromRegistry = formatScalingState({
      ...state,
      forecast: {
        ...state.forecast!,
        fit: { ...state.forecast!.fit!, baselineVersion: 'demand-forecast-7' },
      },
    });
    expect(fromRegistry).toContain('on the last day (demand-forecast-7 8.0 %)');
  });

  test('a reactive agent that has not decided yet says so rather than print blanks', () => {
    expect(formatScalingState({ group: 'batch', actions: [] })).toBe(
      'group batch: no decision yet\nno capacity changes yet',
    );
    expect(
      formatScalingState({ group: 'batch', actions: [], forecast: { ready: false, measuredSteps: 0 } }),
    ).toContain('forecast: not ready (it needs two days of demand)');
  });
});
