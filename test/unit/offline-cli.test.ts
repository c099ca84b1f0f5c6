import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, usageOf } from '../../cli/main';
import { failureChain } from '../../cli/failure-chain';
import { generateLabelledSet, isHeldOutFile } from '../../domain/anomaly/labelled-series';
import { seededRandom } from '../../domain/random';
import { writeLabelledFolder } from '../support/labelled-folder';
import { consoleOutput } from '../support/console-output';
import { freePort } from '../support/ports';

/**
 * Commands that need no server: `medic detect` and `medic eval` on small inputs made here (the real
 * dataset is for `make eval`), and flag checks that come before any connection.
 */
describe('medic offline commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medic-detect-'));
  const rows = Array.from({ length: 600 }, (_, i) => {
    const at = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    return `${at},${i === 450 ? 500 : 20 + (i % 7)}`;
  });
  const csv = `timestamp,value\n${rows.join('\n')}\n`;
  const output = consoleOutput();
  /** `medic detect` on `<name>.csv` in the test folder, into `<name>-out.csv`, for each name. */
  const detectEach = async (names: string[]) => {
    for (const name of names)
      expect(
        await main(['detect', '--input', join(dir, `${name}.csv`), '--output', join(dir, `${name}-out.csv`)]),
      ).toBe(0);
  };
  const scoredLines = (name: string) =>
    readFileSync(join(dir, `${name}-out.csv`), 'utf8')
      .trim()
      .split('\n');

  test('a file is scored row by row with the shipped threshold', async () => {
    writeFileSync(join(dir, 'cpu.csv'), csv);
    expect(await main(['detect', '--input', join(dir, 'cpu.csv'), '--output', join(dir, 'out.csv')])).toBe(0);
    const lines = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,is_anomaly');
    expect(lines).toHaveLength(601);
    const flagged = lines.slice(1).flatMap((l, i) => (l.endsWith(',1') ? [i] : []));
    expect(flagged).toContain(450);
    // The score column alone says the same (the drop back after the spike is quiet, not a second
    // alarm), so a tool that thresholds it, as NAB's does, counts what the decisions count.
    const aboveThreshold = lines.slice(1).flatMap((l, i) => (Number(l.split(',')[2]) >= 0.5 ? [i] : []));
    expect(aboveThreshold).toEqual(flagged);
  });

  test('an export with gaps and epoch timestamps: missing values stay as empty rows and are never anomalies', async () => {
    const gappy = rows.map((row, i) => {
      const [at, value] = row.split(',');
      const epoch = Date.parse(`${at?.replace(' ', 'T')}Z`) / 1000;
      return `${epoch},${i % 50 === 7 ? (i % 100 === 7 ? '' : 'NaN') : value}`;
    });
    writeFileSync(join(dir, 'gappy.csv'), `timestamp,value\n${gappy.join('\n')}\n`);
    expect(
      await main(['detect', '--input', join(dir, 'gappy.csv'), '--output', join(dir, 'gappy-out.csv')]),
    ).toBe(0);
    const lines = readFileSync(join(dir, 'gappy-out.csv'), 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(600);
    expect(lines[7]).toBe(`${gappy[7]?.split(',')[0]},,0.000000,0`);
    expect(lines[57]).toBe(`${gappy[57]?.split(',')[0]},,0.000000,0`);
    expect(lines.flatMap((l, i) => (l.endsWith(',1') ? [i] : []))).toContain(450);
    // A value that is neither a number nor a missing marker is still an error naming its line: bad
    // input (exit 2), and no output file half written.
    writeFileSync(join(dir, 'bad.csv'), `timestamp,value\n${gappy.slice(0, 3).join('\n')}\n1704067200,abc\n`);
    expect(
      await main(['detect', '--input', join(dir, 'bad.csv'), '--output', join(dir, 'bad-out.csv')]),
    ).toBe(2);
    expect(existsSync(join(dir, 'bad-out.csv'))).toBe(false);
    expect(output.join('\n')).toContain('bad.csv:5: expected "timestamp,value", got "1704067200,abc"');
  });

  test('a gap written as empty rows and the same gap left out of the export score every other row alike', async () => {
    // Three days of a daily wave at 5-minute sampling with the afternoon of day 2 missing.
    const wave = Array.from({ length: 3 * 288 }, (_, i) => {
      const at = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString();
      const hour = (i % 288) / 12;
      return { at, value: (hour >= 8 && hour < 18 ? 80 : 20) + (i % 5) / 10, missing: i >= 400 && i < 480 };
    });
    const asCsv = (lines: string[]) => `timestamp,value\n${lines.join('\n')}\n`;
    writeFileSync(join(dir, 'empty-rows.csv'), asCsv(wave.map((p) => `${p.at},${p.missing ? '' : p.value}`)));
    writeFileSync(
      join(dir, 'left-out.csv'),
      asCsv(wave.filter((p) => !p.missing).map((p) => `${p.at},${p.value}`)),
    );
    await detectEach(['empty-rows', 'left-out']);
    const scored = (name: string) => scoredLines(name).filter((line) => !line.includes(',,'));
    expect(scored('empty-rows')).toHaveLength(3 * 288 - 80 + 1);
    expect(scored('empty-rows')).toEqual(scored('left-out'));
    // The summary says how much of the series was not there, however the export wrote it.
    expect(output.join('\n')).toMatch(/empty-rows\.csv: 864 points \(80 missing\), \d+ anomal/);
    expect(output.join('\n')).toMatch(/left-out\.csv: 784 points \(80 missing\), \d+ anomal/);
  });

  test('rows out of time order are scored in time order and written in the order of the file', async () => {
    const shuffled = rows
      .map((row, i) => ({ row, key: (i * 7919) % rows.length }))
      .sort((a, b) => a.key - b.key);
    writeFileSync(join(dir, 'shuffled.csv'), `timestamp,value\n${shuffled.map((r) => r.row).join('\n')}\n`);
    writeFileSync(join(dir, 'sorted.csv'), csv);
    await detectEach(['shuffled', 'sorted']);
    const lines = (name: string) => scoredLines(name).slice(1);
    expect(lines('shuffled').map((l) => l.split(',')[0])).toEqual(shuffled.map((r) => r.row.split(',')[0]));
    expect([...lines('shuffled')].sort()).toEqual([...lines('sorted')].sort());
    expect(lines('sorted').filter((l) => l.endsWith(',1'))).toEqual([
      expect.stringContaining(rows[450] ?? '?'),
    ]);
  });

  test("a series no longer than the detector's warm-up says nothing was judged, not that nothing was unusual", async () => {
    const short = [
      'timestamp,value',
      ...Array.from({ length: 40 }, (_, i) => `${1_700_000_000 + 60 * i},${i === 30 ? 99 : 20}`),
    ];
    writeFileSync(join(dir, 'short.csv'), short.join('\n'));
    output.length = 0;
    expect(
      await main(['detect', '--input', join(dir, 'short.csv'), '--output', join(dir, 'short-out.csv')]),
    ).toBe(0);
    expect(output.join('\n')).toMatch(
      /short\.csv: 40 points, 0 anomalies \(the detector learns its first 150 points before it judges: nothing here was judged\)/,
    );
    output.length = 0;
    writeFileSync(join(dir, 'long.csv'), csv);
    expect(
      await main(['detect', '--input', join(dir, 'long.csv'), '--output', join(dir, 'long-out.csv')]),
    ).toBe(0);
    expect(output.join('\n')).not.toContain('nothing here was judged');
  });

  test('a folder is scored into a folder', async () => {
    const input = join(dir, 'in');
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'a.csv'), csv);
    writeFileSync(join(input, 'b.csv'), csv);
    expect(await main(['detect', '--input', input, '--output', join(dir, 'outdir')])).toBe(0);
    expect(readFileSync(join(dir, 'outdir', 'b.csv'), 'utf8')).toContain('anomaly_score');
  });

  test('a NAB-style tree keeps its corpus folders, and an output folder inside the input is not read', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'realAWSCloudwatch'), { recursive: true });
    mkdirSync(join(tree, 'realTraffic'), { recursive: true });
    writeFileSync(join(tree, 'realAWSCloudwatch', 'cpu.csv'), csv);
    writeFileSync(join(tree, 'realTraffic', 'speed.csv'), csv);
    writeFileSync(join(tree, 'README.md'), 'not a trace');
    const out = join(tree, 'scored');
    expect(await main(['detect', '--input', tree, '--output', out])).toBe(0);
    expect(output.join('\n')).toMatch(/realAWSCloudwatch\/cpu\.csv/);
    expect(readFileSync(join(out, 'realTraffic', 'speed.csv'), 'utf8').split('\n')[0]).toBe(
      'timestamp,value,anomaly_score,is_anomaly',
    );
    // Again, now that the output folder sits inside the input: the scored files are not scored anew.
    output.length = 0;
    expect(await main(['detect', '--input', tree, '--output', out])).toBe(0);
    expect(output.join('\n')).not.toMatch(/scored/);
  });

  test('missing flags and files are usage errors that name them', async () => {
    expect(await main(['detect', '--input', join(dir, 'nope.csv'), '--output', join(dir, 'x.csv')])).toBe(2);
    expect(output.join('\n')).toContain('nope.csv does not exist');
    expect(await main(['detect', '--input', join(dir, 'cpu.csv')])).toBe(2);
    expect(output.join('\n')).toContain('--output is required');
  });

  test('eval detector scores a labelled folder and prints JSON with --json', async () => {
    const dataset = join(dir, 'nab');
    mkdirSync(join(dataset, 'data', 'corpus'), { recursive: true });
    writeFileSync(join(dataset, 'data', 'corpus', 'cpu.csv'), csv);
    const windowStart = rows[440]?.split(',')[0] ?? '';
    const windowEnd = rows[470]?.split(',')[0] ?? '';
    writeFileSync(
      join(dataset, 'windows.json'),
      JSON.stringify({ 'corpus/cpu.csv': [[windowStart, windowEnd]] }),
    );
    expect(await main(['eval', 'detector', '--dataset', dataset, '--json'])).toBe(0);
    const result = JSON.parse(output[0] ?? '{}') as {
      overall: number;
      scoreColumn: { threshold: number; overall: number };
      corpora: { tp: number }[];
      pointsPerSecond: number;
      gaps: { share: number; draws: number[]; mean: number };
      liveLoop: number;
    };
    expect(result.corpora[0]?.tp).toBe(1);
    expect(result.overall).toBeGreaterThan(50);
    // NAB's optimiser can always pick the shipped threshold, so it finds at least the decisions' score.
    expect(result.scoreColumn.overall).toBeGreaterThanOrEqual(result.overall - 1e-9);
    expect(result.pointsPerSecond).toBeGreaterThan(0);
    expect(result.gaps.share).toBe(0.1);
    expect(result.gaps.draws).toHaveLength(3);
    expect(result.gaps.mean).toBeCloseTo(result.gaps.draws.reduce((a, b) => a + b, 0) / 3, 9);
    // Two days of five-minute points: fed without their sampling the spike is still found.
    expect(result.liveLoop).toBeGreaterThan(50);
  });

  test('a failed workflow is reported with the causes that say what to do', () => {
    const inner = new Error('set MEDIC_DETECTOR_DATASET to a NAB-style folder');
    const activity = new Error('Activity task failed', { cause: inner });
    const workflow = new Error('Workflow execution failed', { cause: activity });
    expect(failureChain(workflow)).toBe(
      'Workflow execution failed: Activity task failed: set MEDIC_DETECTOR_DATASET to a NAB-style folder',
    );
    expect(failureChain('plain')).toBe('plain');
    // An error from another realm (undici's fetch under jest) is not `instanceof Error` here.
    const foreign = { name: 'TypeError', message: 'fetch failed', cause: { message: 'bad port' } };
    expect(failureChain(foreign)).toBe('fetch failed: bad port');
  });

  test("eval detector also runs the retraining's split on a folder with files to hold out", async () => {
    const dataset = join(dir, 'labelled');
    const series = generateLabelledSet(seededRandom(5), 8);
    writeLabelledFolder(dataset, series);
    const heldOut = series.filter((s) => isHeldOutFile(`synthetic/${s.name}.csv`)).length;
    expect(await main(['eval', 'detector', '--dataset', dataset, '--json'])).toBe(0);
    const { retraining } = JSON.parse(output[0] ?? '{}') as {
      retraining?: { trainingFiles: number; heldOutFiles: number; tuned: number; shipped: number };
    };
    expect(retraining).toMatchObject({ trainingFiles: 8 - heldOut, heldOutFiles: heldOut });
    expect(heldOut).toBeGreaterThan(0);
    expect(Number.isFinite(retraining?.tuned)).toBe(true);
    expect(Number.isFinite(retraining?.shipped)).toBe(true);
  });

  test('eval detector sets each corpus aside in turn when the folder has two with windows', async () => {
    const dataset = join(dir, 'two-corpora');
    const series = generateLabelledSet(seededRandom(9), 12);
    writeLabelledFolder(dataset, series.slice(0, 6), 'spiky');
    writeLabelledFolder(dataset, series.slice(6), 'steady');
    expect(await main(['eval', 'detector', '--dataset', dataset])).toBe(0);
    const table = output.join('\n');
    expect(table).toContain('each corpus set aside, zFloor / ratio tuned on the others');
    expect(table).toMatch(/^ {2}spiky +\d \/ [\d.]+ +-?\d+\.\d +-?\d+\.\d {2}-?\d+\.\d at \d \/ [\d.]+$/m);
    expect(table).toMatch(/^ {2}steady /m);
    expect(table).toMatch(/^ {2}pooled +-?\d+\.\d +-?\d+\.\d {2}-?\d+\.\d \(each its own\)$/m);
  });

  test("a usage error shows that command's usage, so the error stays on screen; an unknown command, all of it", async () => {
    expect(await main(['eval', 'policy', '--incidents', 'many'])).toBe(2);
    const [printed = ''] = output;
    expect(printed).toMatch(/^medic: --incidents must be a whole number/);
    expect(printed).toContain('\n  eval policy [--seed N]');
    expect(printed).not.toContain('fleet create');
    expect(printed).toMatch(/Every command: medic help$/);
    // Continuation lines stay with their entry; only the command's own entries.
    expect(usageOf('scale')).toMatch(/^ {2}scale watch .*\n {3,}\[--predictive/);
    expect(
      usageOf('scale')
        .split('\n')
        .filter((l) => /^ {2}\S/.test(l))
        .every((l) => l.startsWith('  scale ')),
    ).toBe(true);
    expect(usageOf('nope')).toBe('');
    output.length = 0;
    expect(await main(['nope'])).toBe(2);
    expect(output[0]).toContain('fleet create');
  });

  test('eval policy on a small run: the learned policy beats the runbook, under the ceiling, the same figures as JSON', async () => {
    expect(await main(['eval', 'policy', '--train', '100', '--incidents', '300'])).toBe(0);
    const table = output.join('\n');
    expect(table).toMatch(/^fixed runbook +\d+\.\d % /m);
    expect(table).toMatch(/^bandit after 100 +\d+\.\d % /m);
    expect(table).toMatch(/^symptom Bayes ceiling +\d+\.\d % /m);
    expect(table).toContain('held-out incidents: 300; seed 1');
    output.length = 0;
    expect(await main(['eval', 'policy', '--train', '100', '--incidents', '300', '--json'])).toBe(0);
    const result = JSON.parse(output[0] ?? '{}') as {
      rows: { policy: string; firstActionSuccess: number; meanMinutesToRecover: number }[];
      ceiling: { firstActionSuccess: number };
      backtest: { selfNormalisedFirstActionSuccess: number; effectiveIncidents: number };
      acrossSeeds: { mean: number; min: number; max: number };
    };
    const row = (name: string) => result.rows.find((r) => r.policy === name);
    const learned = row('bandit after 100');
    expect(learned?.firstActionSuccess).toBeGreaterThan(
      (row('fixed runbook')?.firstActionSuccess ?? 1) + 0.3,
    );
    expect(learned?.meanMinutesToRecover).toBeLessThan(row('fixed runbook')?.meanMinutesToRecover ?? 0);
    // Bayes' rule with the true profiles is the best first choice there is, up to 300 incidents' luck.
    expect(result.ceiling.firstActionSuccess).toBeGreaterThan((learned?.firstActionSuccess ?? 1) - 0.03);
    expect(table).toContain(`${(100 * (learned?.firstActionSuccess ?? 0)).toFixed(1)} %`);
    expect(result.acrossSeeds.min).toBeLessThanOrEqual(result.acrossSeeds.mean);
    expect(result.acrossSeeds.mean).toBeLessThanOrEqual(result.acrossSeeds.max);
    expect(result.backtest.selfNormalisedFirstActionSuccess).toBeGreaterThan(0.5);
    expect(result.backtest.effectiveIncidents).toBeGreaterThan(10);
    expect(await main(['eval', 'policy', '--incidents', '0'])).toBe(2);
  });

  test('eval scaling on a small daily trace: both policies replayed, the totals are the rows summed', async () => {
    // Four days of five-minute demand with a steep morning ramp: what the forecast is for.
    const trace = Array.from({ length: 4 * 288 }, (_, i) => {
      const hour = (i % 288) / 12;
      const at = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
      return `${at},${(hour >= 8 && hour < 20 ? 1000 : 100) + 20 * Math.sin(i)}`;
    });
    const file = join(dir, 'demand.csv');
    writeFileSync(file, `timestamp,value\n${trace.join('\n')}\n`);
    expect(await main(['eval', 'scaling', '--trace', file, '--json'])).toBe(0);
    const result = JSON.parse(output[0] ?? '{}') as {
      traces: {
        trace: string;
        reactive: { policy: string; violationMinutes: number; instanceHours: number };
        predictive: { policy: string; violationMinutes: number; instanceHours: number };
      }[];
      totals: { reactive: { violationMinutes: number }; predictive: { violationMinutes: number } };
    };
    const [demand] = result.traces;
    expect(demand?.trace).toBe('demand');
    expect(result.totals.reactive.violationMinutes).toBe(demand?.reactive.violationMinutes);
    expect(result.totals.predictive.violationMinutes).toBe(demand?.predictive.violationMinutes);
    // Five-minute boots behind a ramp from a tenth to all of the peak: target tracking is late.
    expect(demand?.reactive.violationMinutes).toBeGreaterThan(0);
    expect(demand?.predictive.violationMinutes).toBeLessThan(demand?.reactive.violationMinutes ?? 0);
    expect(demand?.predictive.instanceHours).toBeGreaterThan(0);
    output.length = 0;
    expect(await main(['eval', 'scaling', '--trace', file])).toBe(0);
    expect(output.join('\n')).toMatch(
      /^demand +target tracking +\d+ +\d+ +\d+\n +predictive +\d+ +\d+ +\d+$/m,
    );
    expect(output.join('\n')).toMatch(/^total: SLO-violation minutes \d+ → \d+ /m);
    expect(await main(['eval', 'scaling', '--trace', join(dir, 'absent.csv')])).toBe(2);
    expect(await main(['eval', 'scaling', '--trace', file, '--capacity', '-1'])).toBe(2);
    // A demand-forecast version's smoothing replayed instead of the shipped one: a sluggish level
    // changes what the forecast asks for, and the flag is checked.
    output.length = 0;
    expect(await main(['eval', 'scaling', '--trace', file, '--smoothing', '0.01,0,0.01', '--json'])).toBe(0);
    const sluggish = JSON.parse(output[0] ?? '{}') as typeof result;
    expect(sluggish.traces[0]?.reactive).toEqual(demand?.reactive);
    expect(sluggish.traces[0]?.predictive).not.toEqual(demand?.predictive);
    expect(await main(['eval', 'scaling', '--trace', file, '--smoothing', '0.3,0'])).toBe(2);
    expect(await main(['eval', 'scaling', '--trace', file, '--smoothing', '0.3,0,1.5'])).toBe(2);
  });

  test("eval forecast: the smoothing trained on the traces' first two thirds, each trace judged on its last third", async () => {
    // Six days whose level moves every three hours: the trained level follows faster than shipped.
    let level = 200;
    const rows = Array.from({ length: 6 * 288 }, (_, i) => {
      if (i % 36 === 0) level = Math.max(40, level * (i % 72 === 0 ? 1.3 : 0.8));
      const at = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
      return `${at},${level * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 288))}`;
    });
    const file = join(dir, 'moving.csv');
    writeFileSync(file, `timestamp,value\n${rows.join('\n')}\n`);
    expect(await main(['eval', 'forecast', '--trace', file, '--json'])).toBe(0);
    const result = JSON.parse(output[0] ?? '{}') as {
      trained: { alpha: number };
      traces: { trace: string; stepSeconds: number; shipped: number; trained: number }[];
      total: { shipped: number; trained: number };
    };
    expect(result.traces).toHaveLength(1);
    expect(result.traces[0]).toMatchObject({ trace: 'moving', stepSeconds: 300 });
    expect(result.trained.alpha).toBeGreaterThan(0.3);
    expect(result.total.trained).toBeGreaterThan(result.total.shipped);
    expect(result.total.trained).toBe(result.traces[0]?.trained);
    output.length = 0;
    expect(await main(['eval', 'forecast', '--trace', file])).toBe(0);
    expect(output.join('\n')).toMatch(/^moving +5m +\d+\.\d % +\d+\.\d %$/m);
    expect(output.join('\n')).toMatch(
      /^total \(each trace's last third\): shipped α 0\.3, β 0\.002, γ 0\.2 /m,
    );
    expect(await main(['eval', 'forecast', '--trace', join(dir, 'absent.csv')])).toBe(2);
  });

  test('eval rootcause prints every ranking per noise profile, and the same figures as JSON', async () => {
    expect(await main(['eval', 'rootcause', '--train', '300', '--cascades', '300'])).toBe(0);
    const table = output.join('\n');
    expect(table).toMatch(/shipped rootcause-propagation-1 +\d+\.\d %/);
    expect(table).toContain('held-out cascades per profile: 300; seed 1');
    output.length = 0;
    expect(await main(['eval', 'rootcause', '--train', '300', '--cascades', '300', '--json'])).toBe(0);
    const result = JSON.parse(output[0] ?? '{}') as {
      profiles: { profile: string; rows: { name: string; top1: number }[] }[];
    };
    expect(result.profiles.map((p) => p.profile)).toEqual(['calm', 'default', 'noisy']);
    const top1 = (name: string) => result.profiles[1]?.rows.find((r) => r.name.startsWith(name))?.top1 ?? 0;
    expect(top1('shipped')).toBeGreaterThan(top1('strongest anomaly') + 0.25);
    expect(await main(['eval', 'rootcause', '--cascades', 'many'])).toBe(2);
  });

  test('scale watch: --boot or --refit-above without --predictive, or out of range, is a usage error naming the flag', async () => {
    expect(await main(['scale', 'watch', '--group', 'web', '--boot', '300'])).toBe(2);
    expect(output.join('\n')).toContain('--boot needs --predictive');
    output.length = 0;
    expect(await main(['scale', 'watch', '--group', 'web', '--predictive', '--boot', '99999'])).toBe(2);
    expect(output.join('\n')).toContain('--boot');
    output.length = 0;
    expect(await main(['scale', 'watch', '--group', 'web', '--refit-above', '30'])).toBe(2);
    expect(output.join('\n')).toContain('--refit-above needs --predictive');
    output.length = 0;
    expect(await main(['scale', 'watch', '--group', 'web', '--predictive', '--refit-above', '0.3'])).toBe(2);
    expect(output.join('\n')).toContain('--refit-above');
  });
});

describe('a command’s one subject, as a flag or as its word', () => {
  const output = consoleOutput();
  test.each([
    [['model', 'rollback', 'detector', 'rootcause'], /unexpected "rootcause" after "detector"/],
    [['model', 'rollback', 'detector', '--model', 'rootcause'], /"detector" and --model rootcause disagree/],
    [['model', 'rollback', 'gpt'], /--model must be one of detector, .* got "gpt"/],
    [['schedule', 'pause', 'retrain-detector', 'now'], /unexpected "now" after "retrain-detector"/],
    [['schedule', 'list', 'retrain-detector'], /schedule list takes no "retrain-detector"/],
    [
      ['chaos', 'traffic-flood', '--source', '2001:db8::1::2'],
      /--source must be IPv4 or IPv6 addresses separated by commas, got "2001:db8::1::2"/,
    ],
    [
      ['chaos', 'traffic-flood', '--source', '203.0.113.9,192.0.2.300'],
      /--source must be IPv4 or IPv6 addresses separated by commas, got "192.0.2.300"/,
    ],
    [
      [
        'chaos',
        'traffic-flood',
        '--source',
        Array.from({ length: 9 }, (_, i) => `203.0.113.${i + 1}`).join(','),
      ],
      /--source lists 9 addresses; at most 8/,
    ],
    [
      ['chaos', 'traffic-flood', '--source', '2001:db8:48::1', '--rotate', '24'],
      /--rotate needs --source to be a range \(a \/24 or \/48\), got "2001:db8:48::1"/,
    ],
    [
      ['chaos', 'traffic-flood', '--source', '203.0.113.0/28', '--rotate', '20'],
      /--source 203\.0\.113\.0\/28 has room for 14 sources, not 20/,
    ],
    [
      ['chaos', 'traffic-flood', '--source', '2001:db8:48::/48', '--rotate', '1'],
      /--rotate must be a whole number from 2 to 4096, got "1"/,
    ],
    [
      ['chaos', 'egress-surge', '--instance', 'i-0abc1234def567890', '--to', '203.0.113.300'],
      /--to must be an IPv4 or IPv6 address, got "203.0.113.300"/,
    ],
  ])('%j is a usage error before anything is asked of AWS or Temporal', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(output[0]).toMatch(message);
  });
});

describe('medic when what it talks to is missing', () => {
  const output = consoleOutput();
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('no AWS credentials: names the two ways to give them, beside the SDK message', async () => {
    for (const name of ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'])
      delete process.env[name];
    // Nothing to find on disk, and never the instance metadata service: this test sends no request.
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), 'medic-no-such-credentials');
    process.env.AWS_CONFIG_FILE = join(tmpdir(), 'medic-no-such-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    expect(await main(['model', 'list'])).toBe(2);
    const said = output.join('\n');
    expect(said).toMatch(/^medic: Could not load credentials/);
    expect(said).toContain('source scripts/env.sh');
    expect(said).toContain('AWS_PROFILE');
  });

  test('a Temporal server that is not there is named by its address', async () => {
    process.env.TEMPORAL_ADDRESS = `127.0.0.1:${await freePort()}`;
    expect(await main(['schedule', 'list'])).toBe(1);
    expect(output.join('\n')).toMatch(
      new RegExp(
        `^medic: cannot reach Temporal at ${process.env.TEMPORAL_ADDRESS} \\(TEMPORAL_ADDRESS; the local stack: make up\\): `,
      ),
    );
  });
});
