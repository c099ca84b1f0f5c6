import { ConfigError, loadConfig } from '../../domain/config';
import { parseDuration } from '../../domain/duration';

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
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', '0s', '5', 'm30', '1.5h', '-3s'])('%p is rejected', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
