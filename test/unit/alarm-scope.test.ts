import { answerAlarmScope, type MemberReading } from '../../domain/alarm-scope';
import { alarmToAlert } from '../../domain/cloudwatch-alarm';
import { GROUP_ALARMS, LOAD_BALANCER_ALARMS } from '../../domain/topology';
import { INCIDENT_KINDS } from '../../domain/incident';

const THRESHOLDS = { cpuHighPercent: 90, latencyHighMs: 1000, errorRateFailurePercent: 5 };
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
});
