import fc from 'fast-check';
import { main } from '../../cli/main';

/**
 * Hostile command lines: `medic` answers each with a meaningful exit code and a one-line message,
 * never a crash or a stack trace. Every endpoint points at a closed loopback port, so commands that
 * get past their arguments fail fast without sending anything anywhere. Commands that connect to
 * Temporal (10 s connect deadline), write files (`detect`) or run long (`eval`) are left out.
 */
const COMMANDS = ['fleet', 'chaos', 'incidents', 'tokens', 'audit', 'nonsense', '', '--help'];
const SUBCOMMANDS = [
  'create',
  'list',
  'show',
  'approve',
  'decline',
  'manual',
  'expected',
  'fault',
  'revoke',
  'stop-instance',
  'cpu-spike',
  'open-port',
  'x',
];
const FLAGS = [
  '--size',
  '--fleet',
  '--manual',
  '--id',
  '--by',
  '--reason',
  '--json',
  '--role',
  '--name',
  '--port',
  '--instance',
  '--status',
  '--limit',
  '--incident',
  '--',
  '-x',
  '--size=3',
];
const hostileValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '-1',
    '0',
    '1e309',
    'NaN',
    '99999999999999999999',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    'i-0abc',
    '%00',
    '\u0000',
    'a'.repeat(5000),
    '--json',
  ),
  fc.integer().map(String),
);
const argv = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.constantFrom(...SUBCOMMANDS),
    fc.array(fc.oneof(fc.constantFrom(...FLAGS), hostileValue), { maxLength: 8 }),
  )
  .map(([command, sub, rest]) => [command, sub, ...rest].filter((a, i) => i > 0 || a !== ''));

/** Right shape, hostile values: these get past flag parsing to validation and the (closed) endpoints. */
const nearValid = fc.oneof(
  hostileValue.map((v) => ['incidents', 'show', '--id', v]),
  fc
    .tuple(fc.constantFrom('approve', 'decline', 'manual'), hostileValue, hostileValue)
    .map(([d, id, r]) => ['incidents', d, '--id', id, '--reason', r]),
  fc.tuple(hostileValue, hostileValue).map(([n, r]) => ['tokens', 'create', '--name', n, '--role', r]),
  hostileValue.map((v) => ['tokens', 'revoke', '--id', v]),
  hostileValue.map((v) => ['audit', '--incident', v, '--limit', v]),
  fc
    .tuple(hostileValue, hostileValue)
    .map(([size, fleet]) => ['fleet', 'create', '--size', size, '--fleet', fleet]),
  hostileValue.map((v) => ['chaos', 'cpu-spike', '--instance', v]),
  hostileValue.map((v) => ['incidents', 'list', '--status', v, '--json']),
);

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    MEDIC_API_URL: 'http://127.0.0.1:1',
    MEDIC_API_TOKEN: 'medic_cli_fuzz_token_0123456789abcdef',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ACCESS_KEY_ID: 'fuzz',
    AWS_SECRET_ACCESS_KEY: 'fuzz',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
});
afterAll(() => {
  process.env = saved;
});

const codes = new Map<number, number>();
afterAll(() => console.info(`exit codes seen: ${JSON.stringify([...codes])}`));
test('hostile argv: an exit code that means something, one message, no stack trace', async () => {
  const out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    await fc.assert(
      fc.asyncProperty(fc.oneof(argv, nearValid), async (args) => {
        out.length = 0;
        const code = await main(args);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        expect([0, 1, 2, 3, 4, 5]).toContain(code);
        const text = out.join('\n');
        expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
        expect(text).not.toMatch(/TypeError|ReferenceError|undefined is not|Cannot read prop/);
        if (code === 2) expect(text).toMatch(/^medic: /);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}, 120_000);
