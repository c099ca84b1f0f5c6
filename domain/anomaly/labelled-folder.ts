import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePointsCsv } from './csv';
import { pointsPerDayFrom } from './detector';
import type { TrainingSeries } from './labelled-series';
import { parseNabTimestamp } from './nab-score';

/**
 * A NAB-style labelled folder (`windows.json` naming each `data/<corpus>/<file>.csv` and its
 * anomaly windows) as training series, files in name order. Reads files: for the CLI and
 * activities, never for workflow code.
 */
export function readLabelledFolder(dir: string): TrainingSeries[] {
  const windows = JSON.parse(readFileSync(join(dir, 'windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  return Object.entries(windows)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, labelled]) => {
      const points = parsePointsCsv(readFileSync(join(dir, 'data', file), 'utf8'), file);
      const timestamps = points.map((p) => parseNabTimestamp(p.timestamp));
      const pointsPerDay = pointsPerDayFrom(timestamps);
      return {
        name: file,
        values: points.map((p) => p.value),
        timestamps,
        windows: labelled.map(([s, e]) => [parseNabTimestamp(s), parseNabTimestamp(e)] as [number, number]),
        ...(pointsPerDay ? { pointsPerDay } : {}),
      };
    });
}
