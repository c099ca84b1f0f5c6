import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parsePointsCsv } from '../anomaly/csv';
import { parseNabTimestamp } from '../anomaly/nab-score';
import type { DemandTrace } from './demand-traces';
import type { TracePoint } from './simulator';
import { medianGap } from '../sampling';

/** A file, or every .csv of a folder, in name order. */
export function traceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(path, f));
}

/** One `timestamp,value` file as the scaling simulator replays it (times in epoch seconds). */
export function readTrace(file: string): TracePoint[] {
  return parsePointsCsv(readFileSync(file, 'utf8'), file).map((p) => ({
    time: parseNabTimestamp(p.timestamp) / 1000,
    value: p.value,
  }));
}

/** The median gap between times (seconds), at least a minute: a trace's sampling despite its holes. */
export function medianStepSeconds(times: number[]): number {
  return Math.max(60, medianGap(times));
}

/** `timestamp,value` demand traces (a file or a folder of them) as the forecaster's training reads them. */
export function readDemandTraces(path: string): (DemandTrace & { name: string })[] {
  return traceFiles(path).map((file) => {
    const trace = readTrace(file);
    return {
      name: basename(file, '.csv'),
      stepSeconds: medianStepSeconds(trace.map((p) => p.time)),
      values: trace.map((p) => p.value),
      ...(trace[0] ? { startMs: trace[0].time * 1000 } : {}),
    };
  });
}
