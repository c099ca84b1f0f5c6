import { createFleet } from '../../activities/fleet';
import { main } from '../../cli/main';
import { consoleOutput } from '../support/console-output';
import { awsEndpoint, destroyAws, testAws } from '../support/env';

/** `medic fleet list` against the emulator: every fleet under its heading, or the one asked for. */
describe('medic fleet list', () => {
  const aws = testAws();
  const web = `list-web-${process.pid}`;
  const batch = `list-batch-${process.pid}`;
  const ids: Record<string, string[]> = {};
  const output = consoleOutput();
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL = awsEndpoint();
    for (const [fleet, size, manualCount] of [
      [web, 2, 1],
      [batch, 1, 0],
    ] as const)
      ids[fleet] = (await createFleet(aws, { fleet, size, manualCount })).instances.map((i) => i.instanceId);
  }, 60_000);
  afterAll(() => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
    destroyAws(aws);
  });

  const linesOf = (fleet: string) => {
    const start = output.indexOf(`fleet ${fleet}: ${ids[fleet]?.length} instance(s)`);
    return start < 0 ? [] : output.slice(start, start + 1 + (ids[fleet]?.length ?? 0));
  };

  test('without --fleet, every fleet is listed under its own heading', async () => {
    expect(await main(['fleet', 'list'])).toBe(0);
    for (const fleet of [web, batch]) {
      const lines = linesOf(fleet);
      expect(lines).toHaveLength(1 + (ids[fleet]?.length ?? 0));
      for (const id of ids[fleet] ?? []) expect(lines.some((l) => l.includes(id))).toBe(true);
    }
    // The web fleet's first instance asked for MANUAL (createFleet tags the first `manualCount`).
    expect(linesOf(web).filter((l) => l.includes('mode=manual'))).toHaveLength(1);
  });

  test('--fleet lists that fleet only; JSON rows name their fleet', async () => {
    expect(await main(['fleet', 'list', '--fleet', batch])).toBe(0);
    expect(output).toEqual([
      `fleet ${batch}: 1 instance(s)`,
      expect.stringContaining(ids[batch]?.[0] ?? '?'),
    ]);
    output.length = 0;
    expect(await main(['fleet', 'list', '--fleet', web, '--json'])).toBe(0);
    const rows = JSON.parse(output[0] ?? '[]') as { fleet: string; instanceId: string }[];
    expect(rows.map((r) => [r.fleet, r.instanceId]).sort()).toEqual(
      (ids[web] ?? []).map((id) => [web, id]).sort(),
    );
  });

  test('a fleet with no instances says so and where to look, instead of printing nothing', async () => {
    expect(await main(['fleet', 'list', '--fleet', `nothing-${process.pid}`])).toBe(0);
    expect(output.join('\n')).toMatch(/has no instances.*`medic fleet list` shows every fleet/);
  });
});
