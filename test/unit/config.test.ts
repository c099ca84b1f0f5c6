import { ConfigError, loadConfig } from '../../domain/config';
import { formatDuration, parseDuration } from '../../domain/duration';

describe('loadConfig', () => {
  test('defaults describe the local stack and AUTO mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      temporalAddress: '127.0.0.1:7233',
      apiPort: 8080,
      defaultMode: 'auto',
      approvalTimeout: '30m',
      awsRegion: 'us-east-1',
    });
    expect(config.awsEndpoint).toBeUndefined();
  });

  test('each forecast has its own failure level; the horizon keeps its old name as a fallback', () => {
    const defaults = loadConfig({});
    expect([defaults.diskFullPercent, defaults.memoryFullPercent, defaults.errorRateFailurePercent]).toEqual([
      95, 95, 5,
    ]);
    expect(defaults.forecastHorizonMinutes).toBe(24 * 60);
    expect(loadConfig({ MEDIC_MEMORY_FULL_PERCENT: '90' }).memoryFullPercent).toBe(90);
    expect(loadConfig({ MEDIC_DISK_HORIZON: '6h' }).forecastHorizonMinutes).toBe(360);
    expect(
      loadConfig({ MEDIC_DISK_HORIZON: '6h', MEDIC_FORECAST_HORIZON: '2h' }).forecastHorizonMinutes,
    ).toBe(120);
    expect(() => loadConfig({ MEDIC_FORECAST_HORIZON: 'soon' })).toThrow(/MEDIC_FORECAST_HORIZON/);
    expect(() => loadConfig({ MEDIC_ERROR_RATE_FAILURE_PERCENT: '-1' })).toThrow(
      /MEDIC_ERROR_RATE_FAILURE_PERCENT/,
    );
  });

  test('an empty endpoint means real AWS', () => {
    expect(loadConfig({ AWS_ENDPOINT_URL: '' }).awsEndpoint).toBeUndefined();
    expect(loadConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }).awsEndpoint).toBe(
      'http://127.0.0.1:5000',
    );
  });

  test.each([
    [{ MEDIC_DEFAULT_MODE: 'sometimes' }, /MEDIC_DEFAULT_MODE/],
    [{ MEDIC_APPROVAL_TIMEOUT: 'soon' }, /MEDIC_APPROVAL_TIMEOUT/],
    [{ MEDIC_API_PORT: '99999' }, /MEDIC_API_PORT/],
    [{ MEDIC_VERIFY_TIMEOUT_SECONDS: '-1' }, /MEDIC_VERIFY_TIMEOUT_SECONDS/],
    [
      { MEDIC_TRUSTED_EGRESS: 'backup=198.51.100.0/24,vault=2001:db8::/129' },
      /MEDIC_TRUSTED_EGRESS: "vault=2001:db8::\/129"/,
    ],
  ])('bad value %p names the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('parseDuration', () => {
  test.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['250ms', 250],
    ['14d', 1_209_600_000],
    ['2w', 1_209_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', '0s', '5', 'm30', '1.5h', '-3s'])('%p is rejected', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  test.each([
    [86_400_000, '1d'],
    [90_000, '90s'],
    [7_200_000, '2h'],
    [1_209_600_000, '2w'],
    [1_500, '1500ms'],
  ])('%d ms is written %s, which reads back the same', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
