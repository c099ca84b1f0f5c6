import { answerAlarmScope, thresholdsForAlarm, type MemberReading } from '../../domain/alarm-scope';
import { alarmToAlert } from '../../domain/cloudwatch-alarm';
import { mapAlert } from '../../domain/alert-mapping';
import { GROUP_ALARMS, LOAD_BALANCER_ALARMS } from '../../domain/topology';
import { INCIDENT_KINDS } from '../../domain/incident';
import { membersNotServing } from '../../domain/serving';

const THRESHOLDS = {
  cpuHighPercent: 90,
  latencyHighMs: 1000,
  errorRateFailurePercent: 5,
  notServingSiblingMinPerSecond: 1,
};
const member = (instanceId: string, figures: Partial<MemberReading> = {}): MemberReading => ({
  instanceId,
  state: 'running',
  group: 'web-asg',
  statusCheckFailed: false,
  cpuPercent: 40,
  latencyP99Ms: 120,
  errorRatePercent: 0.2,
  ...figures,
});

describe('an alarm on a group or load balancer is answered from its members (decision 0061)', () => {
  test('the alarm names its resource and what kind of resource it is', () => {
    const on = (name: string, value: string) =>
      alarmToAlert({
        AlarmName: 'a',
        NewStateValue: 'ALARM',
        Trigger: { MetricName: 'CPUUtilization', Dimensions: [{ name, value }] },
      }).alert.labels;
    expect(on('AutoScalingGroupName', 'web-asg')).toMatchObject({
      resource_id: 'web-asg',
      resource_type: 'group',
    });
    expect(on('LoadBalancer', 'app/web/50dc')).toMatchObject({ resource_type: 'load-balancer' });
    expect(on('InstanceId', 'i-1')).toMatchObject({ resource_type: 'instance' });
    expect(on('DBInstanceIdentifier', 'orders')).toMatchObject({ resource_type: 'database' });
  });

  test("the fleet program's alarms all name kinds the incident workflow heals", () => {
    for (const alarm of [...GROUP_ALARMS, ...LOAD_BALANCER_ALARMS])
      expect(INCIDENT_KINDS).toContain(alarm.incidentKind);
  });

  test('status checks: the members failing them (or stopped) get incidents, the others nothing', () => {
    const answer = answerAlarmScope(
      'status-check-failed',
      'group web-asg',
      [member('i-a', { statusCheckFailed: true }), member('i-b'), member('i-c', { state: 'stopped' })],
      THRESHOLDS,
    );
    expect(answer).toEqual({
      action: 'open',
      instanceIds: ['i-a', 'i-c'],
      reason:
        '2 of 3 members of group web-asg show failing status checks (or stopped): each gets its own incident',
    });
  });

  test("load most members share is the group's: one more instance, not restarts", () => {
    const hot = { cpuPercent: 96 };
    expect(
      answerAlarmScope(
        'cpu-high',
        'group web-asg',
        [member('i-a', hot), member('i-b', hot), member('i-c')],
        THRESHOLDS,
      ),
    ).toMatchObject({
      action: 'scale-out',
      group: 'web-asg',
      reason: expect.stringMatching(/^2 of 3 members .* web-asg gets one more instance/),
    });
    // Half is not most: the hot one is looked at on its own.
    expect(
      answerAlarmScope('cpu-high', 'group web-asg', [member('i-a', hot), member('i-b')], THRESHOLDS),
    ).toMatchObject({
      action: 'open',
      instanceIds: ['i-a'],
    });
    // Slow members of two groups behind one load balancer: no one group to grow.
    const slow = { latencyP99Ms: 2500 };
    expect(
      answerAlarmScope(
        'latency-high',
        'load balancer app/web/50dc',
        [member('i-a', slow), member('i-b', { ...slow, group: 'api-asg' })],
        THRESHOLDS,
      ),
    ).toMatchObject({ action: 'open', instanceIds: ['i-a', 'i-b'] });
  });

  test('errors on every member are not a capacity problem: each member is looked at', () => {
    const failing = { errorRatePercent: 12 };
    expect(
      answerAlarmScope(
        'error-rate-rising',
        'load balancer app/web/50dc',
        [member('i-a', failing), member('i-b', failing)],
        THRESHOLDS,
      ),
    ).toMatchObject({ action: 'open', instanceIds: ['i-a', 'i-b'] });
  });

  test('nobody showing it is said, and why: passed, or the metric is not published', () => {
    expect(answerAlarmScope('cpu-high', 'group web-asg', [member('i-a'), member('i-b')], THRESHOLDS)).toEqual(
      {
        action: 'none',
        reason:
          'none of the 2 members of group web-asg shows CPU at or above 90% now; the alarm may have passed',
      },
    );
    const silent = member('i-a', { latencyP99Ms: undefined });
    expect(answerAlarmScope('latency-high', 'group web-asg', [silent], THRESHOLDS)).toMatchObject({
      action: 'none',
      reason: expect.stringMatching(/none of them publishes the metric/),
    });
    expect(
      answerAlarmScope('cpu-high', 'group web-asg', [member('i-a', { state: 'terminated' })], THRESHOLDS),
    ).toEqual({
      action: 'none',
      reason: 'group web-asg has no members to look at',
    });
    expect(answerAlarmScope('disk-filling', 'group web-asg', [member('i-a')], THRESHOLDS)).toMatchObject({
      action: 'none',
      reason: expect.stringMatching(/judges disk-filling per instance/),
    });
  });

  test("the balancer's unhealthy-host alarm: the members serving nothing while the others serve get incidents", () => {
    const alert = alarmToAlert({
      AlarmName: 'web-unhealthy',
      NewStateValue: 'ALARM',
      Trigger: {
        MetricName: 'UnHealthyHostCount',
        Dimensions: [
          { name: 'TargetGroup', value: 'targetgroup/web/73e2' },
          { name: 'LoadBalancer', value: 'app/web/50dc' },
        ],
      },
    }).alert;
    expect(alert.labels).toMatchObject({
      alertname: 'UnhealthyHosts',
      resource_type: 'load-balancer',
      resource_id: 'app/web/50dc',
    });
    const mapped = mapAlert(alert, 'cloudwatch');
    expect(mapped.ok && mapped.request.kind).toBe('not-serving');
    /** Ten-second points from index `start`. */
    const series = (start: number, values: number[]) =>
      values.map((value, i) => ({
        at: new Date(Date.UTC(2026, 0, 1) + (start + i) * 10_000).toISOString(),
        value,
      }));
    const serving = series(
      0,
      Array.from({ length: 30 }, () => 40),
    );
    const members = [
      member('i-a', { requestRate: serving }),
      member('i-b', { requestRate: serving }),
      member('i-dead', {
        requestRate: series(
          0,
          Array.from({ length: 20 }, () => 40),
        ),
      }),
    ];
    const scope = 'load balancer app/web/50dc';
    expect(answerAlarmScope('not-serving', scope, members, THRESHOLDS)).toEqual({
      action: 'open',
      instanceIds: ['i-dead'],
      reason: `1 of 3 members of ${scope} show no requests served while the other members serve: each gets its own incident`,
    });
    // The alarm comes about two minutes after the application died: two of the siblings' datapoints
    // without a request are enough with it, where the monitor alone waits for five.
    /** The two serving members and one whose requests ended after `served` datapoints. */
    const deadAfter = (served: number) => [
      ...members.slice(0, 2),
      member('i-dead', {
        requestRate: series(
          0,
          Array.from({ length: served }, () => 40),
        ),
      }),
    ];
    const justDied = deadAfter(28);
    expect(answerAlarmScope('not-serving', scope, justDied, THRESHOLDS)).toMatchObject({
      action: 'open',
      instanceIds: ['i-dead'],
    });
    expect(
      membersNotServing(
        justDied.map((m) => ({
          instanceId: m.instanceId,
          group: 'web-asg',
          requestRate: m.requestRate ?? [],
        })),
        1,
      ),
    ).toEqual([]);
    expect(answerAlarmScope('not-serving', scope, deadAfter(29), THRESHOLDS)).toMatchObject({
      action: 'none',
    });
    // Everyone serving: the alarm has passed; nobody publishing requests: said, not guessed.
    expect(answerAlarmScope('not-serving', scope, members.slice(0, 2), THRESHOLDS)).toMatchObject({
      action: 'none',
    });
    expect(answerAlarmScope('not-serving', scope, [member('i-a'), member('i-b')], THRESHOLDS)).toMatchObject({
      action: 'none',
      reason: expect.stringMatching(/none of them publishes the metric/),
    });
  });

  test('every member behind the balancer stopped together: all get incidents, critical and for a person (decision 0067)', () => {
    const tenSecondPoints = (count: number, value: number) =>
      Array.from({ length: count }, (_, i) => ({
        at: new Date(Date.UTC(2026, 0, 1) + i * 10_000).toISOString(),
        value,
      }));
    const ended = tenSecondPoints(20, 40);
    const lastServedAt = ended.at(-1)?.at ?? '';
    const members = [
      member('i-a', { requestRate: ended }),
      member('i-b', { requestRate: ended }),
      member('i-c', { requestRate: ended }),
      member('i-stopped', { state: 'stopped' }),
    ];
    const scope = 'load balancer app/web/50dc';
    const minuteLater = { at: new Date(Date.parse(lastServedAt) + 60_000).toISOString(), periodSeconds: 10 };
    expect(answerAlarmScope('not-serving', scope, members, THRESHOLDS, minuteLater)).toEqual({
      action: 'open',
      instanceIds: ['i-a', 'i-b', 'i-c'],
      reason: expect.stringMatching(
        new RegExp(
          `^3 of 4 members of ${scope} show no requests served since ${lastServedAt}: they stopped together`,
        ),
      ),
      mode: 'manual',
      severity: 'critical',
    });
    // Read a period after their last request, the silence may be lateness: nothing yet.
    const periodLater = { at: new Date(Date.parse(lastServedAt) + 10_000).toISOString(), periodSeconds: 10 };
    expect(answerAlarmScope('not-serving', scope, members, THRESHOLDS, periodLater)).toMatchObject({
      action: 'none',
    });
    // Without the read's time, a silence every member shares cannot be judged.
    expect(answerAlarmScope('not-serving', scope, members, THRESHOLDS)).toMatchObject({ action: 'none' });
    // One member still serving: the others are found by comparison with it, each its own to heal.
    const oneServes = [...members.slice(0, 2), member('i-c', { requestRate: tenSecondPoints(30, 40) })];
    expect(answerAlarmScope('not-serving', scope, oneServes, THRESHOLDS, minuteLater)).toEqual({
      action: 'open',
      instanceIds: ['i-a', 'i-b'],
      reason: `2 of 3 members of ${scope} show no requests served while the other members serve: each gets its own incident`,
    });
  });

  test("the alarm's own threshold, in the members' unit, judges them", () => {
    const labels = (MetricName: string, ComparisonOperator: string, Threshold: number) =>
      alarmToAlert({
        AlarmName: 'a',
        NewStateValue: 'ALARM',
        Trigger: {
          MetricName,
          ComparisonOperator,
          Threshold,
          Dimensions: [{ name: 'AutoScalingGroupName', value: 'web-asg' }],
        },
      }).alert.labels;
    expect(labels('CPUUtilization', 'GreaterThanThreshold', 75).alarm_threshold).toBe('75');
    // The balancer reports seconds; members' p99 is in milliseconds.
    expect(labels('TargetResponseTime', 'GreaterThanOrEqualToThreshold', 1.5).alarm_threshold).toBe('1500');
    expect(labels('CPUUtilization', 'LessThanThreshold', 5).alarm_threshold).toBeUndefined();
    expect(labels('HTTPCode_Target_5XX_Count', 'GreaterThanThreshold', 10).alarm_threshold).toBeUndefined();

    expect(thresholdsForAlarm('cpu-high', THRESHOLDS, '75')).toEqual({ ...THRESHOLDS, cpuHighPercent: 75 });
    expect(thresholdsForAlarm('latency-high', THRESHOLDS, '1500').latencyHighMs).toBe(1500);
    for (const bad of [undefined, '', 'high', '-3', 'Infinity'])
      expect(thresholdsForAlarm('cpu-high', THRESHOLDS, bad)).toEqual(THRESHOLDS);
    expect(thresholdsForAlarm('status-check-failed', THRESHOLDS, '1')).toEqual(THRESHOLDS);

    // A group at 80 % everywhere: nobody by cloud-medic's 90 %, the group's load by the alarm's 75 %.
    const warm = [80, 80, 80].map((cpuPercent, i) => member(`i-${i}`, { cpuPercent }));
    expect(answerAlarmScope('cpu-high', 'group web-asg', warm, THRESHOLDS).action).toBe('none');
    expect(
      answerAlarmScope('cpu-high', 'group web-asg', warm, thresholdsForAlarm('cpu-high', THRESHOLDS, '75')),
    ).toMatchObject({ action: 'scale-out', group: 'web-asg' });
  });

  test('a group whose mean is at the bar is at its limit, though only one member is over it', () => {
    const cpu = (...values: number[]) => values.map((cpuPercent, i) => member(`i-${i}`, { cpuPercent }));
    expect(answerAlarmScope('cpu-high', 'group web-asg', cpu(95, 88, 88), THRESHOLDS)).toEqual({
      action: 'scale-out',
      group: 'web-asg',
      reason:
        "the 3 members of group web-asg average 90.3, at or above the bar of 90 (1 of them over it): the load is the group's, not one instance's fault, so web-asg gets one more instance (within its maximum) instead of restarts that would take capacity away",
    });
    // One runaway among idle members is that member's.
    expect(answerAlarmScope('cpu-high', 'group web-asg', cpu(99, 60, 60), THRESHOLDS)).toMatchObject({
      action: 'open',
      instanceIds: ['i-0'],
    });
    // Members that publish nothing do not make a mean: one figure of three is no group's.
    const mostlySilent = [
      member('i-0', { cpuPercent: 95 }),
      ...cpu(0, 0).map((m) => ({ ...m, cpuPercent: undefined })),
    ];
    expect(answerAlarmScope('cpu-high', 'group web-asg', mostlySilent, THRESHOLDS).action).toBe('open');
    // A balancer over two groups: the mean speaks for neither.
    const twoGroups = [
      member('i-a', { cpuPercent: 95 }),
      member('i-b', { cpuPercent: 88, group: 'api-asg' }),
    ];
    expect(answerAlarmScope('cpu-high', 'load balancer app/web/50dc', twoGroups, THRESHOLDS).action).toBe(
      'open',
    );
  });
});
