import { parseNabTimestamp } from './nab-score';

export interface Point {
  timestamp: string;
  /** NaN for a missing datapoint, when the reader allows them. */
  value: number;
}

/** Input that is not the `timestamp,value` CSV it should be: the person's file to fix, not a failure of ours. */
export class MalformedInputError extends Error {
  override readonly name = 'MalformedInputError';
}

/** A field as written, without the double quotes some exports (Grafana's, spreadsheets') put round it. */
function unquoted(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

/** What a metric export writes where a datapoint is missing. */
const MISSING = new Set(['', 'nan', 'null', 'none', 'na', 'n/a']);

/**
 * Reads `timestamp,value` CSV (a header line is optional, fields may be double-quoted); a bad row is
 * an error naming its line.
 * With `allowMissing`, an empty value or `NaN`/`null` is a missing datapoint (value NaN) rather than
 * an error: exports of real metrics have gaps.
 */
export function parsePointsCsv(
  text: string,
  source = 'input',
  { allowMissing = false }: { allowMissing?: boolean } = {},
): Point[] {
  const points: Point[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const comma = line.lastIndexOf(',');
    const timestamp = unquoted(line.slice(0, comma));
    const raw = unquoted(line.slice(comma + 1));
    const missing = MISSING.has(raw.toLowerCase());
    // A first line whose value is neither a number nor a missing marker is the header.
    if (i === 0 && (comma < 0 || (Number.isNaN(Number(raw)) && !missing))) return;
    const value = Number(raw);
    if (comma >= 0 && allowMissing && missing) {
      points.push({ timestamp, value: Number.NaN });
      return;
    }
    if (comma < 0 || raw === '' || !Number.isFinite(value))
      throw new MalformedInputError(
        `${source}:${i + 1}: expected "timestamp,value", got "${line.slice(0, 80)}"`,
      );
    points.push({ timestamp, value });
  });
  return points;
}

/** Epoch ms of a timestamp as metric exports write it: NAB's `2014-07-01 00:00:00`, ISO 8601, or epoch seconds or ms. */
export function parseTimestampMs(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    // Ten digits are seconds until the year 2286; thirteen are milliseconds.
    return n < 1e11 ? n * 1000 : n;
  }
  // ISO 8601 with its zone (`…Z`, `…+02:00`) says where it is; NAB's form is read as UTC.
  if (/(z|[+-]\d\d:?\d\d)$/i.test(trimmed) && /\d[T ]\d/.test(trimmed)) {
    const ms = Date.parse(trimmed.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  }
  return parseNabTimestamp(trimmed);
}
