import { detectFaults, type InstanceObservation, type MetricPoint } from '../../domain/detection';
import { explainEmptyPlan, planRemediation } from '../../domain/planner';
import {
  groupsSilentSince,
  groupsUnanswered,
  membersNotServing,
  NOT_SERVING_WINDOW_POINTS,
  SCOPE_SILENT_PERIODS,
  stoppedTogether,
  type BalancerView,
  type MemberRequests,
} from '../../domain/serving';

/** Ten-second points from index `start`, one value each. */
const points = (start: number, values: number[]): MetricPoint[] =>
  values.map((value, i) => ({
    at: new Date(Date.UTC(2026, 0, 1) + (start + i) * 10_000).toISOString(),
    value,
  }));
/** About `rate` a second with a small repeating wobble (40, 41, 42, …). */
const steady = (n: number, rate = 40) => Array.from({ length: n }, (_, i) => rate + ((i % 3) * rate) / 40);
const member = (instanceId: string, requestRate: MetricPoint[], group = 'web-asg'): MemberRequests => ({
  instanceId,
  group,
  requestRate,
});

describe('membersNotServing', () => {
  test('a member whose requests stopped while its siblings serve is found, with its last request and the window', () => {
    const found = membersNotServing(
      [
        member('i-a', points(0, steady(30))),
        member('i-b', points(0, steady(30))),
        member('i-dead', points(0, steady(20))),
      ],
      1,
    );
    expect(found).toEqual([
      {
        instanceId: 'i-dead',
        group: 'web-asg',
        lastServedAt: points(19, [0])[0]?.at,
        windowFrom: points(25, [0])[0]?.at,
        windowTo: points(29, [0])[0]?.at,
        siblingsMedian: 41.2,
        siblings: 2,
      },
    ]);
  });

  test('zeros count as serving nothing: an agent alive beside a wedged application', () => {
    const zeros = points(0, [...steady(25), 0, 0, 0, 0, 0]);
    expect(membersNotServing([member('i-a', points(0, steady(30))), member('i-b', zeros)], 1)).toMatchObject([
      { instanceId: 'i-b', siblings: 1 },
    ]);
  });

  test('nobody is judged without a case: one request in the window, quiet siblings, a lone member, a newcomer, a short read', () => {
    const dead = points(0, steady(20));
    const siblings = [member('i-a', points(0, steady(30))), member('i-b', points(0, steady(30)))];
    // One request in the window is serving.
    expect(membersNotServing([...siblings, member('i-x', [...dead, ...points(28, [1])])], 1)).toEqual([]);
    // Siblings under the minimum: the group is quiet, not this member.
    const quiet = [member('i-a', points(0, steady(30, 0.2))), member('i-b', points(0, steady(30, 0.2)))];
    expect(membersNotServing([...quiet, member('i-x', dead)], 1)).toEqual([]);
    // Alone in its group there is nobody to compare with.
    expect(membersNotServing([member('i-x', dead)], 1)).toEqual([]);
    // A member in another group is not anyone's sibling.
    expect(membersNotServing([...siblings.slice(0, 1), member('i-x', dead, 'api-asg')], 1)).toEqual([]);
    // Never served in the read: just launched, not yet behind the balancer.
    expect(membersNotServing([...siblings, member('i-new', [])], 1)).toEqual([]);
    // Fewer sibling datapoints than the window: too early to say.
    const short = [member('i-a', points(0, steady(NOT_SERVING_WINDOW_POINTS - 1)))];
    expect(membersNotServing([...short, member('i-x', [])], 1)).toEqual([]);
  });

  test('the window is the siblings’ newest datapoints, not the clock: a group whose metrics are late raises nothing', () => {
    // Nobody's last minute has arrived yet: every series ends at the same point, the member's too.
    const lagging = [
      member('i-a', points(0, steady(24))),
      member('i-b', points(0, steady(24))),
      member('i-c', points(0, steady(24))),
    ];
    expect(membersNotServing(lagging, 1)).toEqual([]);
  });
});

describe('stoppedTogether (decision 0067)', () => {
  /** The time of ten-second point `index`. */
  const at = (index: number) => points(index, [0])[0]?.at ?? '';
  const group = [
    member('i-a', points(0, steady(20))),
    member('i-b', points(0, steady(18))),
    // An agent alive beside a wedged application publishes zeros.
    member('i-c', points(0, [...steady(20), 0, 0, 0, 0, 0])),
  ];

  test('every member that served is silent over the last periods before the read: all of them, since the last request any served', () => {
    expect(membersNotServing(group, 1)).toEqual([]);
    expect(stoppedTogether(group, at(19 + SCOPE_SILENT_PERIODS + 1), 10)).toEqual({
      instanceIds: ['i-a', 'i-b', 'i-c'],
      lastServedAt: at(19),
      silentFrom: at(20),
    });
  });

  test('one member still serving, a silence shorter than the periods, or nothing served in the read: none', () => {
    expect(stoppedTogether(group, at(19 + SCOPE_SILENT_PERIODS), 10)).toBeUndefined();
    const oneServes = [...group.slice(0, 2), member('i-c', points(0, steady(30)))];
    expect(stoppedTogether(oneServes, at(30), 10)).toBeUndefined();
    expect(stoppedTogether([member('i-a', points(0, [0, 0, 0]))], at(40), 10)).toBeUndefined();
    expect(stoppedTogether([member('i-a', [])], at(40), 10)).toBeUndefined();
    expect(stoppedTogether(group, 'not a time', 10)).toBeUndefined();
  });

  test('a member that never served in the read is not named, and does not stop the others being found', () => {
    const withNewcomer = [...group, member('i-new', points(15, [0, 0, 0]))];
    expect(stoppedTogether(withNewcomer, at(40), 10)?.instanceIds).toEqual(['i-a', 'i-b', 'i-c']);
  });
});

describe('groupsUnanswered: a whole group silent while its balancer routes to it (decision 0070)', () => {
  const at = (index: number) => points(index, [0])[0]?.at ?? '';
  const group = [
    member('i-a', points(0, steady(20))),
    // An agent alive beside a wedged application publishes zeros.
    member('i-b', points(0, [...steady(18), 0, 0, 0, 0, 0, 0, 0])),
    member('i-new', points(22, [0, 0])),
    member('i-other', points(0, steady(30)), 'api-asg'),
  ];
  /** The balancer routed 80 a second up to point 29; its targets answered up to `answeredUntil`. */
  const view = (answeredUntil: number, routedUntil = 29, rate = 80): BalancerView => ({
    group: 'web-asg',
    balancers: ['app/web-lb/50dc6c49'],
    routed: points(
      0,
      Array.from({ length: routedUntil + 1 }, () => rate),
    ),
    answered: points(
      0,
      Array.from({ length: answeredUntil + 1 }, () => rate),
    ),
  });

  test('routed, unanswered, and no member served since the window began: the members that served, since the last request', () => {
    expect(membersNotServing(group, 1)).toEqual([]);
    expect(groupsUnanswered(group, [view(19)], 1)).toEqual([
      {
        group: 'web-asg',
        balancers: ['app/web-lb/50dc6c49'],
        instanceIds: ['i-a', 'i-b'],
        lastServedAt: at(19),
        windowFrom: at(30 - NOT_SERVING_WINDOW_POINTS),
        windowTo: at(29),
        routedPerSecond: 80,
      },
    ]);
  });

  test('nothing when the targets answered anything in the window, the balancer routed too little or too few datapoints, or a member serves', () => {
    // Agents that died together beside applications that still answer the balancer.
    expect(groupsUnanswered(group, [view(29)], 1)).toEqual([]);
    expect(groupsUnanswered(group, [view(25)], 1)).toEqual([]);
    // Nobody asks: below the minimum, or the balancer's newest datapoints are from before the silence.
    expect(groupsUnanswered(group, [view(19, 29, 0.5)], 1)).toEqual([]);
    expect(groupsUnanswered(group, [view(10, 19)], 1)).toEqual([]);
    expect(groupsUnanswered(group, [{ ...view(0), routed: points(0, [80, 80, 80]) }], 1)).toEqual([]);
    const oneServes = [...group, member('i-c', points(0, steady(30)))];
    expect(groupsUnanswered(oneServes, [view(19)], 1)).toEqual([]);
    // A group whose members never served in the read names nobody.
    expect(groupsUnanswered([member('i-new', points(0, [0, 0]))], [view(0)], 1)).toEqual([]);
  });

  test('groupsSilentSince keeps the groups where someone served and nobody serves since then, as a filter', () => {
    expect(groupsSilentSince(group, at(20))).toEqual(['web-asg']);
    expect(groupsSilentSince(group, at(19))).toEqual([]);
    expect(groupsSilentSince([member('i-new', points(0, [0, 0]))], at(0))).toEqual([]);
  });
});

describe('detectFaults: not-serving', () => {
  const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3, notServingSiblingMinPerSecond: 1 };
  const NOW = '2026-01-01T00:10:00.000Z';
  const obs = (instanceId: string, requestRate: MetricPoint[], group = 'web-asg'): InstanceObservation => ({
    instanceId,
    state: 'running',
    group,
    statusCheckFailed: [],
    cpuUtilization: [],
    requestRate,
  });
  const fleet = (deadSeries: MetricPoint[]) => [
    obs('i-a', points(0, steady(60))),
    obs('i-b', points(0, steady(60))),
    obs('i-dead', deadSeries),
  ];

  test('reported once, high, with the siblings’ rate; reported again only after it served again', () => {
    const dead = points(0, steady(40));
    const first = detectFaults(fleet(dead), {}, new Set(), thresholds, NOW);
    expect(first.findings.map((f) => [f.resourceId, f.kind, f.severity])).toEqual([
      ['i-dead', 'not-serving', 'high'],
    ]);
    expect(first.findings[0]?.summary).toMatch(
      /^Instance i-dead served no requests in group web-asg's last 5 datapoints \(.* to .*\) while its 2 siblings served a median 41\.2 requests\/s: its application has stopped answering, or its load balancer stopped sending to it\. It last served at 2026-01-01T00:06:30\.000Z\.$/,
    );
    // Still silent at the next scan: the same episode.
    expect(detectFaults(fleet(dead), first.watermarks, new Set(), thresholds, NOW).findings).toEqual([]);
    // Restarted, it served again, then stopped again: a new episode.
    const again = [...points(0, steady(40)), ...points(45, steady(5))];
    expect(
      detectFaults(fleet(again), first.watermarks, new Set(), thresholds, NOW).findings.map((f) => f.kind),
    ).toEqual(['not-serving']);
  });

  test('silence during a maintenance window is not reported; still silent after it, it is', () => {
    const dead = points(0, steady(40));
    const heldUntil = (index: number) => ({ 'i-dead/maintenance': points(index, [0])[0]?.at ?? '' });
    // The window held it past the first of its siblings' newest datapoints: the work's silence.
    expect(detectFaults(fleet(dead), heldUntil(56), new Set(), thresholds, NOW).findings).toEqual([]);
    // Ended before them: it stopped serving during the work and did not come back.
    expect(
      detectFaults(fleet(dead), heldUntil(50), new Set(), thresholds, NOW).findings.map((f) => f.kind),
    ).toEqual(['not-serving']);
  });

  test('a whole group its balancer routes to unanswered: each member critical and MANUAL, once per episode (decision 0070)', () => {
    const silent = [obs('i-a', points(0, steady(40))), obs('i-b', points(0, steady(40)))];
    const balancer = {
      group: 'web-asg',
      balancers: ['app/web-lb/50dc6c49'],
      routed: points(0, steady(60, 80)),
      answered: points(0, steady(40, 80)),
    };
    const first = detectFaults(silent, {}, new Set(), thresholds, NOW, undefined, undefined, [balancer]);
    expect(first.findings.map((f) => [f.resourceId, f.kind, f.severity, f.mode])).toEqual([
      ['i-a', 'not-serving', 'critical', 'manual'],
      ['i-b', 'not-serving', 'critical', 'manual'],
    ]);
    expect(first.findings[0]?.summary).toMatch(
      /^Instance i-a and every other member of group web-asg that served \(2: i-a, i-b\) stopped serving together: load balancer app\/web-lb\/50dc6c49 routed them 8\d\.\d requests\/s over its last 5 datapoints \(.* to .*\) and none was answered; they last served at 2026-01-01T00:06:30\.000Z\. .*a person decides/,
    );
    const again = detectFaults(silent, first.watermarks, new Set(), thresholds, NOW, undefined, undefined, [
      balancer,
    ]);
    expect(again.findings).toEqual([]);
    // Without the balancer's view the same silence reports nothing: nobody may be asking.
    expect(detectFaults(silent, {}, new Set(), thresholds, NOW).findings).toEqual([]);
  });

  test('not judged without the setting, or while it is under remediation', () => {
    const dead = points(0, steady(40));
    const unset = { cpuHighPercent: 90, cpuWindowPoints: 3 };
    expect(detectFaults(fleet(dead), {}, new Set(), unset, NOW).findings).toEqual([]);
    expect(detectFaults(fleet(dead), {}, new Set(['i-dead']), thresholds, NOW).findings).toEqual([]);
  });
});

describe('planning not-serving', () => {
  const running = { exists: true, state: 'running', recentStatusCheckFailures: 0, findings: [] };
  test('a reboot restarts the application, then the instance is replaced; nothing for an instance no longer running', () => {
    const plan = planRemediation('not-serving', running);
    expect(plan.map((s) => s.action)).toEqual(['reboot-instance', 'replace-instance']);
    expect(plan[0]?.reason).toMatch(/serves nothing while requests wait for it/);
    expect(planRemediation('not-serving', { ...running, state: 'stopped' })).toEqual([]);
    expect(explainEmptyPlan('not-serving', { ...running, state: 'stopped' })).toMatch(/is stopped/);
  });
});
