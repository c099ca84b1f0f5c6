import { detectFaults, type InstanceObservation } from '../../domain/detection';
import { describeMinutes, forecastTimeToFailure, proactiveSeverity } from '../../domain/maintenance';
import { evaluateMaintenance } from '../../domain/maintenance-eval';
import { planRemediation } from '../../domain/planner';

const START = Date.parse('2026-01-01T10:00:00.000Z');
const series = (values: number[], stepSeconds = 60) =>
  values.map((value, i) => ({ at: new Date(START + i * stepSeconds * 1000).toISOString(), value }));
const linear = (n: number, from: number, perPoint: number) =>
  Array.from({ length: n }, (_, i) => from + perPoint * i);

describe('time-to-failure forecast (Theil–Sen trend)', () => {
  test('a straight climb gives the exact time it reaches the failure level', () => {
    const forecast = forecastTimeToFailure(series(linear(20, 50, 0.5)), 90);
    expect(forecast?.current).toBeCloseTo(59.5, 6);
    expect(forecast?.slopePerHour).toBeCloseTo(30, 6);
    expect(forecast?.minutesToFailure).toBeCloseTo(61, 6);
    expect(forecast?.failureAt).toBe(new Date(START + (19 + 61) * 60_000).toISOString());
    expect(forecast?.fit).toBeCloseTo(1, 6);
  });

  test('one spike and one clean-up do not move the trend', () => {
    const values = linear(30, 40, 1);
    values[10] = 99;
    values[20] = 5;
    expect(forecastTimeToFailure(series(values), 95)?.minutesToFailure).toBeCloseTo(95 - 69, 1);
  });

  test('flat, falling, noisy, too short or already full: no forecast', () => {
    expect(forecastTimeToFailure(series(linear(20, 60, 0)), 95)).toBeUndefined();
    expect(forecastTimeToFailure(series(linear(20, 80, -0.5)), 95)).toBeUndefined();
    const noise = Array.from({ length: 40 }, (_, i) => 60 + ((i * 37) % 11) - 5 + i * 0.01);
    expect(forecastTimeToFailure(series(noise), 95)).toBeUndefined();
    expect(forecastTimeToFailure(series(linear(4, 50, 1)), 95)).toBeUndefined();
    expect(forecastTimeToFailure(series(linear(20, 90, 1)), 95)).toBeUndefined();
  });

  test('severity follows how soon, and the time reads as people say it', () => {
    expect([proactiveSeverity(30), proactiveSeverity(120), proactiveSeverity(2000)]).toEqual([
      'critical',
      'high',
      'medium',
    ]);
    expect([describeMinutes(40), describeMinutes(135), describeMinutes(4560)]).toEqual([
      '40 min',
      '2 h 15 min',
      '3 d 4 h',
    ]);
  });
});

describe('the detection loop predicts a filling disk', () => {
  const thresholds = {
    cpuHighPercent: 90,
    cpuWindowPoints: 3,
    diskFullPercent: 95,
    forecastHorizonMinutes: 24 * 60,
  };
  const obs = (disk: number[]): InstanceObservation => ({
    instanceId: 'i-1',
    state: 'running',
    statusCheckFailed: [],
    cpuUtilization: [],
    diskUsedPercent: series(disk, 10),
  });
  const now = new Date(START + 90 * 10_000).toISOString();

  test('a climb that reaches full inside the horizon opens disk-filling once, with its predicted time', () => {
    const first = detectFaults([obs(linear(90, 60, 0.25))], {}, new Set(), thresholds, now);
    expect(first.findings).toHaveLength(1);
    expect(first.findings[0]).toMatchObject({ kind: 'disk-filling', severity: 'critical' });
    expect(first.findings[0]?.summary).toMatch(/predicted full \(95%\) in 9 min/);
    const again = detectFaults([obs(linear(90, 60, 0.25))], first.watermarks, new Set(), thresholds, now);
    expect(again.findings).toEqual([]);
  });

  test('memory climbing toward exhaustion is the same forecast, and its plan is a reboot at a chosen moment', () => {
    const leaking: InstanceObservation = {
      ...obs([]),
      diskUsedPercent: [],
      memUsedPercent: series(linear(90, 70, 0.2), 10),
    };
    const found = detectFaults(
      [leaking],
      {},
      new Set(),
      { ...thresholds, memoryFullPercent: 95 },
      now,
    ).findings;
    expect(found.map((f) => f.kind)).toEqual(['memory-exhaustion']);
    expect(found[0]?.summary).toMatch(/memory at .* predicted exhausted \(95%\)/);
    const plan = planRemediation('memory-exhaustion', {
      exists: true,
      state: 'running',
      recentStatusCheckFailures: 0,
      findings: [],
    });
    expect(plan.map((s) => s.action)).toEqual(['reboot-instance']);
  });

  test('an error rate drifting up is forecast against its own failure level, and planned as a restart then a replacement', () => {
    const degrading: InstanceObservation = {
      ...obs([]),
      diskUsedPercent: [],
      errorRate: series(
        linear(90, 0.5, 0.03).map((v, i) => v + ((i * 5) % 7) * 0.02),
        10,
      ),
    };
    const withLevel = { ...thresholds, errorRateFailurePercent: 5 };
    const found = detectFaults([degrading], {}, new Set(), withLevel, now).findings;
    expect(found.map((f) => f.kind)).toEqual(['error-rate-rising']);
    expect(found[0]?.summary).toMatch(
      /error rate at 3\.\d% of requests and rising .* predicted failing \(5% of requests\) in \d+ min/,
    );
    // Without a failure level there is nothing to forecast against; a flat error rate is no trend.
    expect(detectFaults([degrading], {}, new Set(), thresholds, now).findings).toEqual([]);
    const flat = {
      ...degrading,
      errorRate: series(
        linear(90, 2, 0).map((v, i) => v + ((i * 5) % 7) * 0.05),
        10,
      ),
    };
    expect(detectFaults([flat], {}, new Set(), withLevel, now).findings).toEqual([]);
    const running = { exists: true, state: 'running', recentStatusCheckFailures: 0, findings: [] };
    expect(planRemediation('error-rate-rising', running).map((s) => s.action)).toEqual([
      'reboot-instance',
      'replace-instance',
    ]);
    expect(planRemediation('error-rate-rising', { ...running, state: 'stopped' })).toEqual([]);
  });

  test('a climb that stays below full for longer than the horizon is not an incident yet', () => {
    const slow = detectFaults([obs(linear(90, 20, 0.001))], {}, new Set(), thresholds, now);
    expect(slow.findings).toEqual([]);
  });
});

describe('eval maintenance', () => {
  test('warns about filling disks hours ahead and rarely about the others (seeded simulation)', () => {
    const figures = evaluateMaintenance(1, 0, 20);
    expect(figures.failing).toBe(10);
    expect(figures.recall).toBeGreaterThan(0.9);
    expect(figures.medianLeadMinutes).toBeGreaterThan(60);
    expect(figures.falseAlarmShare).toBeLessThan(0.05);
    // The same seed gives the same figures: they can be tracked over time.
    expect(evaluateMaintenance(1, 0, 20)).toEqual(figures);
  });
});
