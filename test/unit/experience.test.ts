import { backtest, experienceFrom, symptomsOf } from '../../domain/policy/experience';
import { contextOf } from '../../domain/policy/incident-simulator';
import type { Diagnosis } from '../../domain/incident';

const diagnosis = (over: Partial<Diagnosis> = {}): Diagnosis => ({
  exists: true,
  state: 'running',
  recentStatusCheckFailures: 0,
  findings: [],
  ...over,
});

describe('learning from real incidents', () => {
  test("symptoms come from the kind and the diagnosis, in the simulator's terms", () => {
    expect(symptomsOf('status-check-failed', diagnosis({ instanceStatus: 'impaired' }))).toEqual([
      'instance_check_failed',
    ]);
    expect(symptomsOf('status-check-failed', diagnosis())).toEqual(['system_check_failed']);
    expect(
      symptomsOf('status-check-failed', diagnosis({ instanceStatus: 'impaired', systemStatus: 'impaired' })),
    ).toEqual(['system_check_failed', 'instance_check_failed']);
    expect(symptomsOf('latency-high', diagnosis({ autoScalingGroup: 'web' }))).toEqual([
      'latency_high',
      'group_wide_load',
    ]);
    expect(symptomsOf('cpu-high', diagnosis({ state: 'stopped' }))).toEqual(['unreachable', 'cpu_high']);
  });

  test('memory, swap and a recent deploy in the diagnosis are symptoms the policy was trained on', () => {
    expect(
      symptomsOf('cpu-high', diagnosis({ recentMaxCpu: 97, recentMaxMemory: 96, recentMaxSwap: 44 })),
    ).toEqual(['cpu_high', 'memory_high', 'swap_high']);
    // Busy memory without swapping is memory_high alone; ordinary use is nothing.
    expect(symptomsOf('latency-high', diagnosis({ recentMaxMemory: 90, recentMaxSwap: 19.9 }))).toEqual([
      'memory_high',
      'latency_high',
    ]);
    expect(symptomsOf('latency-high', diagnosis({ recentMaxMemory: 89.9 }))).toEqual(['latency_high']);
    expect(
      symptomsOf(
        'status-check-failed',
        diagnosis({ instanceStatus: 'impaired', deploy: { id: 'd-7', minutesAgo: 40 } }),
      ),
    ).toEqual(['instance_check_failed', 'recent_deploy']);
    // A day after its deploy an instance is judged on its own symptoms.
    expect(
      symptomsOf(
        'status-check-failed',
        diagnosis({ instanceStatus: 'impaired', deploy: { id: 'd-7', minutesAgo: 1440 } }),
      ),
    ).toEqual(['instance_check_failed']);
  });

  test('each policy action of an incident is an attempt; recovery time and feedback set its reward', () => {
    const experience = experienceFrom({
      id: 'incident-1',
      kind: 'latency-high',
      diagnosis: diagnosis(),
      steps: [
        {
          action: 'reboot-instance',
          outcome: 'not-verified',
          startedAt: '2026-01-01T10:00:00Z',
          finishedAt: '2026-01-01T10:05:00Z',
        },
        {
          action: 'scale-out-group',
          outcome: 'succeeded',
          startedAt: '2026-01-01T10:05:00Z',
          finishedAt: '2026-01-01T10:11:00Z',
        },
      ],
      feedback: { resolved: true, rating: 5 },
    });
    expect(experience.map((e) => [e.action, e.first, e.recovered])).toEqual([
      ['reboot', true, false],
      ['scale-out', false, true],
    ]);
    expect(experience[0]?.reward).toBe(-0.5);
    expect(experience[1]?.reward).toBeCloseTo(1 - 6 / 120 + 0.2, 6);
    expect(experience[0]?.context).toEqual(contextOf(['latency_high']));
  });

  test('actions outside the policy (quarantine, stop) teach it nothing', () => {
    expect(
      experienceFrom({
        id: 'i',
        kind: 'instance-compromised',
        steps: [{ action: 'quarantine-instance', outcome: 'succeeded' }],
      }),
    ).toEqual([]);
  });

  test('the backtest counts only the incidents where the candidate would have tried the same first action', () => {
    const base = { incidentId: 'x', context: [1], reward: 0, propensity: 1 };
    const logged = [
      { ...base, action: 'reboot' as const, recovered: true, first: true },
      { ...base, action: 'reboot' as const, recovered: false, first: true },
      { ...base, action: 'replace' as const, recovered: true, first: true },
      { ...base, action: 'replace' as const, recovered: true, first: false },
    ];
    // One of the two reboots recovered: a third of the three incidents at least, half if they are typical.
    expect(backtest(logged, () => 'reboot')).toEqual({
      estimate: 1 / 3,
      amongMatched: 1 / 2,
      matched: 2 / 3,
      incidents: 3,
    });
    expect(backtest([], () => 'reboot')).toEqual({ estimate: 0, amongMatched: 0, matched: 0, incidents: 0 });
  });
});
