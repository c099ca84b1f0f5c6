import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { intFlag, parseFlags, UsageError } from './args';
import { evaluateDetector, formatEvaluation } from './eval-detector';
import { evaluatePolicy, formatPolicy } from './eval-policy';
import { evaluateRootCause, formatRootCause } from './eval-rootcause';
import { evaluateScalingFiles, formatScaling, scalingTotals, traceFiles } from './eval-scaling';

const DATASETS = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'nab-dev');

function print(json: boolean | undefined, figures: object, table: string): void {
  console.log(json ? JSON.stringify(figures) : table);
}

function detector(args: string[]): void {
  const flags = parseFlags(args, { dataset: { type: 'string' }, json: { type: 'boolean' } });
  const dataset = flags.dataset ?? DATASETS;
  if (!existsSync(join(dataset, 'windows.json')))
    throw new UsageError(`--dataset ${dataset} has no windows.json`);
  const evaluation = evaluateDetector(dataset);
  print(flags.json, evaluation, formatEvaluation(evaluation));
}

function scaling(args: string[]): void {
  const flags = parseFlags(args, {
    trace: { type: 'string', multiple: true },
    'boot-delay': { type: 'string' },
    capacity: { type: 'string' },
    json: { type: 'boolean' },
  });
  const paths = flags.trace ?? [
    join(DATASETS, 'data', 'realKnownCause', 'nyc_taxi.csv'),
    join(DATASETS, 'data', 'realTweets'),
  ];
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`--trace ${p} does not exist`);
  const capacity = flags.capacity === undefined ? undefined : Number(flags.capacity);
  if (capacity !== undefined && !(capacity > 0))
    throw new UsageError(`--capacity must be a positive number, got "${flags.capacity}"`);
  const rows = evaluateScalingFiles(paths.flatMap(traceFiles), {
    bootDelayMinutes: intFlag(flags['boot-delay'], 'boot-delay', 5, 0, 120),
    capacityPerInstance: capacity,
  });
  print(flags.json, { traces: rows, totals: scalingTotals(rows) }, formatScaling(rows));
}

function policy(args: string[]): void {
  const flags = parseFlags(args, {
    seed: { type: 'string' },
    train: { type: 'string' },
    incidents: { type: 'string' },
    json: { type: 'boolean' },
  });
  const evaluation = evaluatePolicy(
    intFlag(flags.seed, 'seed', 1, 0, 2 ** 31),
    intFlag(flags.train, 'train', 200, 0, 100_000),
    intFlag(flags.incidents, 'incidents', 2000, 1, 1_000_000),
  );
  print(flags.json, evaluation, formatPolicy(evaluation));
}

function rootcause(args: string[]): void {
  const flags = parseFlags(args, {
    seed: { type: 'string' },
    train: { type: 'string' },
    cascades: { type: 'string' },
    json: { type: 'boolean' },
  });
  const evaluation = evaluateRootCause(
    intFlag(flags.seed, 'seed', 1, 0, 2 ** 31),
    intFlag(flags.train, 'train', 3000, 1, 100_000),
    intFlag(flags.cascades, 'cascades', 2000, 1, 1_000_000),
  );
  print(flags.json, evaluation, formatRootCause(evaluation));
}

const EVALS: Record<string, (args: string[]) => void> = { detector, scaling, policy, rootcause };

export function evalCommand(sub: string | undefined, args: string[]): void {
  const run = sub ? EVALS[sub] : undefined;
  if (!run) throw new UsageError(`unknown eval "${sub ?? ''}"; available: ${Object.keys(EVALS).join(', ')}`);
  run(args);
}
