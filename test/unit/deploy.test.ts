import { deployRequestFrom } from '../../cli/deploy';
import { canaryTargets, judgeRelease, type ReleaseEvidence } from '../../domain/deploy';

const thresholds = { cpuHighPercent: 90, maxCpuIncreasePoints: 25 };
const calm: ReleaseEvidence = {
  alarmsFiring: [],
  unhealthy: [],
  canaryCpu: { 'i-new': [30, 35, 32] },
  baselineCpu: { 'i-old': [31, 33, 30] },
};

describe('canary steps', () => {
  test('counts and shares become rising new-instance counts ending at the whole group', () => {
    expect(canaryTargets(['1', '50%', '100%'], 4)).toEqual([1, 2, 4]);
    expect(canaryTargets(['1', '50%', '100%'], 2)).toEqual([1, 2]);
    expect(canaryTargets(['1', '10%'], 10)).toEqual([1, 10]);
    expect(canaryTargets(['25%'], 3)).toEqual([1, 3]);
    expect(canaryTargets(['5'], 3)).toEqual([3]);
  });

  test('nonsense steps and empty groups are refused', () => {
    expect(() => canaryTargets(['0'], 4)).toThrow(/canary step "0"/);
    expect(() => canaryTargets(['150%'], 4)).toThrow(/150%/);
    expect(() => canaryTargets(['half'], 4)).toThrow(/half/);
    expect(() => canaryTargets(['1'], 0)).toThrow(/no instances/);
  });
});

describe('release verdict', () => {
  test('a calm release is healthy', () => {
    expect(judgeRelease(calm, thresholds)).toEqual({ healthy: true, reasons: [] });
  });

  test('firing alarms, unhealthy instances, hot CPU and CPU well above the old version are each bad', () => {
    expect(judgeRelease({ ...calm, alarmsFiring: ['web-5xx'] }, thresholds).reasons).toEqual([
      'alarm web-5xx is firing',
    ]);
    expect(judgeRelease({ ...calm, unhealthy: ['i-new'] }, thresholds).healthy).toBe(false);
    expect(
      judgeRelease(
        { ...calm, incidents: [{ id: 'incident-i-new-cpu-high', kind: 'cpu-high', resourceId: 'i-new' }] },
        thresholds,
      ).reasons,
    ).toEqual(['incident incident-i-new-cpu-high (cpu-high) opened on i-new']);
    expect(judgeRelease({ ...calm, canaryCpu: { 'i-new': [95, 97, 40] } }, thresholds).reasons[0]).toMatch(
      /CPU above 90 % in 2 of 3/,
    );
    expect(judgeRelease({ ...calm, canaryCpu: { 'i-new': [70, 72, 75] } }, thresholds).reasons[0]).toMatch(
      /against 31.3 % on the old version/,
    );
  });

  test('one hot datapoint of many is noise; a canary without datapoints yet is judged on alarms only', () => {
    expect(judgeRelease({ ...calm, canaryCpu: { 'i-new': [95, 30, 31, 33] } }, thresholds).healthy).toBe(
      true,
    );
    expect(judgeRelease({ ...calm, canaryCpu: { 'i-new': [] } }, thresholds).healthy).toBe(true);
  });
});

describe('medic deploy start flags', () => {
  test('defaults: canary 1, 50 %, 100 %, a 5-minute bake, AUTO', () => {
    expect(deployRequestFrom(['--group', 'web', '--version', '7'])).toEqual({
      group: 'web',
      version: '7',
      strategy: 'canary',
      steps: ['1', '50%', '100%'],
      bake: '5m',
      mode: 'auto',
    });
  });

  test('each bad flag is named', () => {
    expect(() => deployRequestFrom(['--version', '7'])).toThrow(/--group/);
    expect(() => deployRequestFrom(['--group', 'web', '--version', 'latest'])).toThrow(/--version/);
    expect(() => deployRequestFrom(['--group', 'web', '--version', '7', '--strategy', 'yolo'])).toThrow(
      /--strategy/,
    );
    expect(() => deployRequestFrom(['--group', 'web', '--version', '7', '--bake', 'soon'])).toThrow(/--bake/);
    expect(() => deployRequestFrom(['--group', 'web', '--version', '7', '--steps', '1,half'])).toThrow(
      /--steps/,
    );
    expect(() => deployRequestFrom(['--group', 'web', '--version', '7', '--mode', 'maybe'])).toThrow(
      /--mode/,
    );
  });
});
