import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimited } from '../domain/concurrency';

/** Shared pieces of the `make bench` scripts: percentiles, a bounded pool, process memory, tables. */

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  await mapLimited(items, concurrency, fn);
}

export async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    samples.push(performance.now() - t);
  }
}

/** Resident memory of a stack component (`make up` writes its pid under .data/pids), in MiB. */
export function stackRssMiB(component: 'worker' | 'api' | 'temporal' | 'moto'): number {
  const dataDir = process.env.MEDIC_DATA_DIR ?? join(process.cwd(), '.data');
  return rssMiB(Number(readFileSync(join(dataDir, 'pids', `${component}.pid`), 'utf8').trim()));
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints rows of cells as an aligned text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}
