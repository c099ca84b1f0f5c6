import { existsSync, readFileSync } from 'node:fs';
import { evaluateIntents, parseLabelledSet, type IntentEvaluation } from '../domain/intents/evaluate';
import { evaluateMaintenance, formatMaintenance } from '../domain/maintenance-eval';
import { evaluateLiveScenarios, formatLiveScenarios } from '../domain/anomaly/live-scenarios';
import { join } from 'node:path';
import { intFlag, parseFlags, UsageError } from './args';
import { evaluateDetector, formatEvaluation } from './eval-detector';
import { progressBar, silentProgress } from './progress';
import { evaluatePolicy, formatPolicy } from './eval-policy';
import { evaluateRootCause, formatRootCause } from './eval-rootcause';
import { evaluateScalingFiles, formatScaling, parseSmoothing, scalingTotals } from './eval-scaling';
import type { Smoothing } from '../domain/scaling/live-forecast';
import { readDemandTraces, traceFiles } from '../domain/scaling/demand-folder';
import { evaluateForecast, formatForecast } from './eval-forecast';

const DATASETS = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'nab-dev');

/** The dev folder's demand traces, the for predictive scaling: taxi rides and tweet volumes. */
const DEMAND_TRACES = [
  join(DATASETS, 'data', 'realKnownCause', 'nyc_taxi.csv'),
  join(DATASETS, 'data', 'realTweets'),
];

function print(json: boolean | undefined, figures: object, table: string): void {
  console.log(json ? JSON.stringify(figures) : table);
}

function detector(args: string[]): void {
  const flags = parseFlags(args, { dataset: { type: 'string' }, json: { type: 'boolean' } });
  const dataset = flags.dataset ?? DATASETS;
  if (!existsSync(join(dataset, 'windows.json')))
    throw new UsageError(`--dataset ${dataset} has no windows.json`);
  const files = Object.keys(JSON.parse(readFileSync(join(dataset, 'windows.json'), 'utf8')) as object).length;
  const evaluation = evaluateDetector(
    dataset,
    undefined,
    flags.json ? silentProgress : progressBar('scoring the detector', files),
  );
  print(flags.json, evaluation, formatEvaluation(evaluation));
}

function scaling(args: string[]): void {
  const flags = parseFlags(args, {
    trace: { type: 'string', multiple: true },
    'boot-delay': { type: 'string' },
    capacity: { type: 'string' },
    smoothing: { type: 'string' },
    json: { type: 'boolean' },
  });
  const paths = flags.trace ?? DEMAND_TRACES;
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`--trace ${p} does not exist`);
  const capacity = flags.capacity === undefined ? undefined : Number(flags.capacity);
  if (capacity !== undefined && !(capacity > 0))
    throw new UsageError(`--capacity must be a positive number, got "${flags.capacity}"`);
  let smoothing: Smoothing | undefined;
  try {
    smoothing = flags.smoothing === undefined ? undefined : parseSmoothing(flags.smoothing);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rows = evaluateScalingFiles(paths.flatMap(traceFiles), {
    bootDelayMinutes: intFlag(flags['boot-delay'], 'boot-delay', 5, 0, 120),
    capacityPerInstance: capacity,
    ...(smoothing ? { smoothing } : {}),
  });
  print(flags.json, { traces: rows, totals: scalingTotals(rows) }, formatScaling(rows));
}

/** The simulator-based evals share their flags: a seed, a training size and an evaluation size. */
function seededEval<T extends object>(
  sizeFlag: string,
  defaults: { train: number; size: number },
  evaluate: (seed: number, train: number, size: number) => T,
  format: (evaluation: T) => string,
) {
  return (args: string[]): void => {
    const flags = parseFlags(args, {
      seed: { type: 'string' },
      train: { type: 'string' },
      [sizeFlag]: { type: 'string' },
      json: { type: 'boolean' },
    });
    const size = flags[sizeFlag];
    const evaluation = evaluate(
      intFlag(flags.seed, 'seed', 1, 0, 2 ** 31),
      intFlag(flags.train, 'train', defaults.train, 0, 100_000),
      intFlag(typeof size === 'string' ? size : undefined, sizeFlag, defaults.size, 1, 1_000_000),
    );
    print(Boolean(flags.json), evaluation, format(evaluation));
  };
}

const policy = seededEval('incidents', { train: 200, size: 2000 }, evaluatePolicy, formatPolicy);
const rootcause = seededEval('cascades', { train: 3000, size: 2000 }, evaluateRootCause, formatRootCause);
const maintenance = seededEval('disks', { train: 0, size: 400 }, evaluateMaintenance, formatMaintenance);
const live = seededEval('days', { train: 0, size: 35 }, evaluateLiveScenarios, formatLiveScenarios);

const INTENT_SET = join(__dirname, '..', '..', 'test', 'fixtures', 'intents.tsv');

function intents(args: string[]): void {
  const flags = parseFlags(args, { set: { type: 'string' }, json: { type: 'boolean' } });
  const file = flags.set ?? INTENT_SET;
  if (!existsSync(file)) throw new UsageError(`--set ${file} does not exist`);
  let rows;
  try {
    rows = parseLabelledSet(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--set ${file}: ${(err as Error).message}`);
  }
  const evaluation = evaluateIntents(rows);
  print(flags.json, evaluation, formatIntents(evaluation));
}

function formatIntents(e: IntentEvaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    `plain-language intents — ${e.utterances} labelled utterances (paraphrases, typos, missing entities)`,
    '',
    `intent accuracy                          ${pct(e.intentAccuracy)}`,
    `entities right                           ${pct(e.entityAccuracy)}`,
    `missing entity → clarifying question     ${pct(e.clarificationRecall)}`,
    `complete request → no needless question  ${pct(e.noNeedlessQuestions)}`,
    `all three right (exact)                  ${pct(e.exact)}`,
    ...(e.failures.length
      ? [
          '',
          'misses:',
          ...e.failures.map(
            (f) => `  line ${f.line}: "${f.text}"\n    expected ${f.expected}\n    got      ${f.got}`,
          ),
        ]
      : []),
  ].join('\n');
}

function forecast(args: string[]): void {
  const flags = parseFlags(args, { trace: { type: 'string', multiple: true }, json: { type: 'boolean' } });
  const paths = flags.trace ?? DEMAND_TRACES;
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`--trace ${p} does not exist`);
  const evaluation = evaluateForecast(paths.flatMap(readDemandTraces));
  print(flags.json, evaluation, formatForecast(evaluation));
}

const EVALS: Record<string, (args: string[]) => void> = {
  detector,
  scaling,
  forecast,
  policy,
  rootcause,
  maintenance,
  live,
  intents,
};

export function evalCommand(sub: string | undefined, args: string[]): void {
  const run = sub ? EVALS[sub] : undefined;
  if (!run) throw new UsageError(`unknown eval "${sub ?? ''}"; available: ${Object.keys(EVALS).join(', ')}`);
  run(args);
}
