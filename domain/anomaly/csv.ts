export interface Point {
  timestamp: string;
  value: number;
}

/** Reads `timestamp,value` CSV (a header line is optional); a bad row is an error naming its line. */
export function parsePointsCsv(text: string, source = 'input'): Point[] {
  const points: Point[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const comma = line.lastIndexOf(',');
    const timestamp = line.slice(0, comma).trim();
    const raw = line.slice(comma + 1).trim();
    if (i === 0 && (comma < 0 || Number.isNaN(Number(raw)))) return;
    const value = Number(raw);
    if (comma < 0 || raw === '' || !Number.isFinite(value))
      throw new Error(`${source}:${i + 1}: expected "timestamp,value", got "${line.slice(0, 80)}"`);
    points.push({ timestamp, value });
  });
  return points;
}
