import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrainingSeries } from '../../domain/anomaly/labelled-series';

const nabTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/**
 * Writes series as a NAB-style labelled folder (windows.json and data/<corpus>/<name>.csv); a second
 * call with another corpus adds it to the same folder.
 */
export function writeLabelledFolder(dir: string, series: TrainingSeries[], corpus = 'synthetic'): void {
  const labels = join(dir, 'windows.json');
  const windows = existsSync(labels)
    ? (JSON.parse(readFileSync(labels, 'utf8')) as Record<string, [string, string][]>)
    : {};
  for (const s of series) {
    const file = `${corpus}/${s.name}.csv`;
    const path = join(dir, 'data', file);
    mkdirSync(dirname(path), { recursive: true });
    const rows = s.values.map((v, i) => `${nabTime(s.timestamps[i] ?? 0)},${v}`);
    writeFileSync(path, ['timestamp,value', ...rows].join('\n'));
    windows[file] = s.windows.map(([a, b]) => [nabTime(a), nabTime(b)]);
  }
  writeFileSync(labels, JSON.stringify(windows));
}
