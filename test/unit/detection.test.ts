import { detectFaults, type InstanceObservation } from '../../domain/detection';

const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3 };
const NOW = '2026-01-01T12:00:00.000Z';

function obs(overrides: Partial<InstanceObservation> = {}): InstanceObservation {
  return { instanceId: 'i-1', state: 'running', statusCheckFailed: [], cpuUtilization: [], ...overrides };
}

describe('detectFaults', () => {
  test('a healthy fleet yields no findings', () => {
    const cpu = [10, 20, 30].map((value, i) => ({ at: `2026-01-01T11:5${i}:00.000Z`, value }));
    expect(detectFaults([obs({ cpuUtilization: cpu })], {}, new Set(), thresholds, NOW).findings).toEqual([]);
  });

  test('a stopped instance is reported once per stop, and again after it ran in between', () => {
    const first = detectFaults([obs({ state: 'stopped' })], {}, new Set(), thresholds, NOW);
    expect(first.findings.map((f) => f.kind)).toEqual(['instance-stopped']);
    const again = detectFaults([obs({ state: 'stopped' })], first.watermarks, new Set(), thresholds, NOW);
    expect(again.findings).toEqual([]);
    const running = detectFaults([obs()], again.watermarks, new Set(), thresholds, NOW);
    const stoppedAgain = detectFaults(
      [obs({ state: 'stopped' })],
      running.watermarks,
      new Set(),
      thresholds,
      NOW,
    );
    expect(stoppedAgain.findings).toHaveLength(1);
  });

  test('failing status check datapoints are reported once; only newer ones report again', () => {
    const points = [{ at: '2026-01-01T11:59:00.000Z', value: 1 }];
    const first = detectFaults([obs({ statusCheckFailed: points })], {}, new Set(), thresholds, NOW);
    expect(first.findings[0]).toMatchObject({
      kind: 'status-check-failed',
      severity: 'critical',
      evidenceAt: points[0].at,
    });
    expect(
      detectFaults([obs({ statusCheckFailed: points })], first.watermarks, new Set(), thresholds, NOW)
        .findings,
    ).toEqual([]);
    const newer = [...points, { at: '2026-01-01T11:59:30.000Z', value: 1 }];
    expect(
      detectFaults([obs({ statusCheckFailed: newer })], first.watermarks, new Set(), thresholds, NOW)
        .findings,
    ).toHaveLength(1);
  });

  test('zero-valued status check datapoints are not failures', () => {
    const points = [{ at: '2026-01-01T11:59:00.000Z', value: 0 }];
    expect(
      detectFaults([obs({ statusCheckFailed: points })], {}, new Set(), thresholds, NOW).findings,
    ).toEqual([]);
  });

  test('high CPU needs the whole window above the threshold, not one spike', () => {
    const spike = [20, 99, 20].map((value, i) => ({ at: `2026-01-01T11:5${i}:00.000Z`, value }));
    expect(detectFaults([obs({ cpuUtilization: spike })], {}, new Set(), thresholds, NOW).findings).toEqual(
      [],
    );
    const sustained = [95, 97, 99].map((value, i) => ({ at: `2026-01-01T11:5${i}:00.000Z`, value }));
    const result = detectFaults([obs({ cpuUtilization: sustained })], {}, new Set(), thresholds, NOW);
    expect(result.findings[0]).toMatchObject({ kind: 'cpu-high', severity: 'medium' });
    expect(result.findings[0].summary).toContain('97.0%');
  });

  test('resources already under remediation are skipped', () => {
    const result = detectFaults([obs({ state: 'stopped' })], {}, new Set(['i-1']), thresholds, NOW);
    expect(result.findings).toEqual([]);
  });

  test('a stopped instance is not also reported for its old metrics', () => {
    const result = detectFaults(
      [obs({ state: 'stopped', statusCheckFailed: [{ at: '2026-01-01T11:59:00.000Z', value: 1 }] })],
      {},
      new Set(),
      thresholds,
      NOW,
    );
    expect(result.findings.map((f) => f.kind)).toEqual(['instance-stopped']);
  });
});
