import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parsePointsCsv } from '../anomaly/csv';
import { parseNabTimestamp } from '../anomaly/nab-score';
import type { DemandTrace } from './demand-traces';

/** A file, or every .csv of a folder, in name order. */
export function traceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(path, f));
}

/** The median of the gaps between timestamps (ms), in seconds: a trace's sampling despite its holes. */
function medianStepSeconds(times: number[]): number {
  const gaps = times
    .slice(1)
    .map((t, i) => t - (times[i] ?? t))
    .sort((a, b) => a - b);
  return Math.max(60, Math.round((gaps[Math.floor(gaps.length / 2)] ?? 300_000) / 1000));
}

/** `timestamp,value` demand traces (a file or a folder of them) as the forecaster's training reads them. */
export function readDemandTraces(path: string): (DemandTrace & { name: string })[] {
  return traceFiles(path).map((file) => {
    const points = parsePointsCsv(readFileSync(file, 'utf8'), file);
    return {
      name: basename(file, '.csv'),
      stepSeconds: medianStepSeconds(points.map((p) => parseNabTimestamp(p.timestamp))),
      values: points.map((p) => p.value),
    };
  });
}
