import { durationFlag, everyFlag, UsageError } from '../../cli/args';
import { main } from '../../cli/main';

describe('duration flags', () => {
  test('read as milliseconds in any unit the CLI documents', () => {
    expect(durationFlag('90s', 'window', { example: '24h' })).toBe(90_000);
    expect(durationFlag('14d', 'since', { example: '14d' })).toBe(14 * 86_400_000);
    expect(durationFlag('1h', 'window', { example: '24h', minimum: '1h' })).toBe(3_600_000);
    expect(everyFlag('24h')).toBe(86_400_000);
  });

  test('malformed, zero or too short: a usage error naming the flag, the bound and a value that would do', () => {
    expect(() => durationFlag('5 minutes', 'bake', { example: '5m' })).toThrow(
      new UsageError('--bake must be a duration like 5m, got "5 minutes"'),
    );
    expect(() => durationFlag('0m', 'timeout', { example: '1h' })).toThrow(/--timeout must be a duration/);
    expect(() => durationFlag('59m', 'window', { example: '24h', minimum: '1h' })).toThrow(
      new UsageError('--window must be a duration of 1h or more like 24h, got "59m"'),
    );
    expect(() => everyFlag('30s')).toThrow(/--every must be a duration of 1m or more like 24h, got "30s"/);
    expect(() => everyFlag(undefined)).toThrow(/--every is required/);
  });

  test('a bound that is not a duration is the caller’s mistake, not the user’s', () => {
    let refusal: unknown;
    try {
      durationFlag('1h', 'window', { example: '24h', minimum: 'an hour' });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal).not.toBeInstanceOf(UsageError);
  });

  test('the CLI refuses a bad duration before it connects to anything, exit code 2', async () => {
    const output: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((m: string) => void output.push(m));
    try {
      expect(await main(['cost', 'watch', '--window', '30s'])).toBe(2);
      expect(
        await main([
          'detect',
          '--metric',
          'CPUUtilization',
          '--instance',
          'i-0123456789abcdef0',
          '--since',
          'a fortnight',
          '--output',
          'x.csv',
        ]),
      ).toBe(2);
    } finally {
      jest.restoreAllMocks();
    }
    expect(output.join('\n')).toContain('--window must be a duration of 1m or more like 24h, got "30s"');
    expect(output.join('\n')).toContain('--since must be a duration like 14d, got "a fortnight"');
  });
});
