import { main } from '../../cli/main';

/** `medic scale watch` flags are checked before anything connects. */
describe('medic scale watch', () => {
  let output: string[] = [];
  beforeEach(() => {
    output = [];
    jest.spyOn(console, 'log').mockImplementation((m: string) => void output.push(m));
    jest.spyOn(console, 'error').mockImplementation((m: string) => void output.push(m));
  });
  afterEach(() => jest.restoreAllMocks());

  test('--boot without --predictive, or a boot time out of range, is a usage error naming the flag', async () => {
    expect(await main(['scale', 'watch', '--group', 'web', '--boot', '300'])).toBe(2);
    expect(output.join('\n')).toContain('--boot needs --predictive');
    output = [];
    expect(await main(['scale', 'watch', '--group', 'web', '--predictive', '--boot', '99999'])).toBe(2);
    expect(output.join('\n')).toContain('--boot');
  });
});
