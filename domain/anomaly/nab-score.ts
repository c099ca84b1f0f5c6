/**
 * The Numenta Anomaly Benchmark's scoring rules, for fixed decisions or for NAB's best threshold on a
 * score column: labelled windows, the scaled sigmoid reward (early detections in a window earn
 * most), a probationary first 15 % that is not scored, and normalisation so that detecting nothing
 * scores 0 and perfect detection 100.
 */

export interface CostProfile {
  tp: number;
  fp: number;
  fn: number;
}

export const STANDARD_PROFILE: CostProfile = { tp: 1.0, fp: 0.11, fn: 1.0 };

export interface LabelledSeries {
  name: string;
  /** Epoch milliseconds of each row. */
  timestamps: number[];
  /** Detector decisions per row. */
  detections: boolean[];
  /** [start, end] epoch milliseconds, inclusive. */
  windows: [number, number][];
}

export interface SeriesScore {
  name: string;
  raw: number;
  windows: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** `2014-07-01 00:00:00` or `2014-10-30 15:30:00.000000`, read as UTC. */
export function parseNabTimestamp(text: string): number {
  const [date, time = '00:00:00'] = text.trim().split(/[ T]/);
  const ms = Date.parse(`${date}T${time.slice(0, 12)}Z`);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: "${text}"`);
  return ms;
}

export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), Math.floor(0.15 * 5000));
}

export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

const MAX_TP = scaledSigmoid(-1.0);

interface RowOutcomes {
  windows: number;
  /** Rows before this are probationary: a detection there is not scored. */
  probation: number;
  /** Per row: the index of the window it lies in, or -1 outside every window or in probation. */
  window: Int32Array;
  /** Per row: what a detection there is worth (the true positive's reward, or the false positive's cost). */
  value: Float64Array;
}

/** What a detection on each row would be worth, before "only the first detection in a window counts". */
function rowOutcomes(timestamps: number[], labelled: [number, number][], profile: CostProfile): RowOutcomes {
  const probation = probationLength(timestamps.length);
  const spans = labelled
    .map(([start, end]) => {
      let first = -1;
      let last = -1;
      timestamps.forEach((t, i) => {
        if (t >= start && t <= end) {
          if (first < 0) first = i;
          last = i;
        }
      });
      return { first, last, width: last - first + 1 };
    })
    .filter((w) => w.first >= 0);
  const window = new Int32Array(timestamps.length).fill(-1);
  const value = new Float64Array(timestamps.length);
  let windowIndex = 0;
  let previous: { last: number; width: number } | undefined;
  for (let i = 0; i < timestamps.length; i++) {
    while (windowIndex < spans.length && i > (spans[windowIndex]?.last ?? Infinity)) {
      previous = spans[windowIndex];
      windowIndex++;
    }
    if (i < probation) continue;
    const span = spans[windowIndex];
    if (span && i >= span.first && i <= span.last) {
      window[i] = windowIndex;
      value[i] = (scaledSigmoid(-(span.last - i + 1) / span.width) * profile.tp) / MAX_TP;
    } else {
      const unweighted = previous
        ? scaledSigmoid(Math.abs(previous.last - i) / Math.max(1, previous.width - 1))
        : -1.0;
      value[i] = unweighted * profile.fp;
    }
  }
  return { windows: spans.length, probation, window, value };
}

export function scoreSeries(series: LabelledSeries, profile: CostProfile = STANDARD_PROFILE): SeriesScore {
  const rows = rowOutcomes(series.timestamps, series.windows, profile);
  let raw = 0;
  let truePositives = 0;
  let falsePositives = 0;
  const detected = new Set<number>();
  for (let i = rows.probation; i < series.timestamps.length; i++) {
    if (!series.detections[i]) continue;
    const window = rows.window[i] ?? -1;
    if (window >= 0) {
      if (detected.has(window)) continue;
      detected.add(window);
      truePositives++;
    } else {
      falsePositives++;
    }
    raw += rows.value[i] ?? 0;
  }
  const falseNegatives = rows.windows - detected.size;
  raw -= falseNegatives * profile.fn;
  return { name: series.name, raw, windows: rows.windows, truePositives, falsePositives, falseNegatives };
}

export interface ScoredSeries {
  name: string;
  timestamps: number[];
  /** The detector's anomaly score per row. */
  scores: number[];
  windows: [number, number][];
}

/**
 * NAB's threshold optimisation: the threshold on the score column whose detections (score ≥ it)
 * score best over all the series, every distinct positive score tried, as NAB's sweeper does. One
 * pass from the highest score down, so it is O(n log n) in the rows.
 */
export function bestThreshold(
  series: readonly ScoredSeries[],
  profile: CostProfile = STANDARD_PROFILE,
): { threshold: number; score: number } {
  const rows: { score: number; window: number; at: number; value: number }[] = [];
  let windows = 0;
  for (const s of series) {
    const outcomes = rowOutcomes(s.timestamps, s.windows, profile);
    for (let i = outcomes.probation; i < s.scores.length; i++) {
      const score = s.scores[i] ?? 0;
      if (!(score > 0)) continue;
      const window = outcomes.window[i] ?? -1;
      rows.push({ score, window: window < 0 ? -1 : windows + window, at: i, value: outcomes.value[i] ?? 0 });
    }
    windows += outcomes.windows;
  }
  rows.sort((a, b) => b.score - a.score);
  const normalise = (raw: number) => normalise100(raw, windows, profile);
  // The earliest detection so far in each window, and what it is worth.
  const earliest = new Map<number, { at: number; value: number }>();
  let raw = -windows * profile.fn; // nothing detected yet: every window missed
  let best = { threshold: 1, score: 0 };
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    if (!row) continue;
    if (row.window < 0) raw += row.value;
    else {
      const first = earliest.get(row.window);
      if (!first) raw += profile.fn + row.value;
      else if (row.at < first.at) raw += row.value - first.value;
      if (!first || row.at < first.at) earliest.set(row.window, { at: row.at, value: row.value });
    }
    const lastOfItsScore = (rows[k + 1]?.score ?? -1) !== row.score;
    if (lastOfItsScore && normalise(raw) > best.score) best = { threshold: row.score, score: normalise(raw) };
  }
  return best;
}

/** 100 × (raw − null) / (perfect − null): null detects nothing, perfect detects each window at its start. */
function normalise100(raw: number, windows: number, profile: CostProfile): number {
  const nullScore = -windows * profile.fn;
  const perfect = windows * profile.tp;
  return perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** The series' raw scores together, normalised (see `normalise100`). */
export function normalisedScore(scores: SeriesScore[], profile: CostProfile = STANDARD_PROFILE): number {
  const raw = scores.reduce((s, x) => s + x.raw, 0);
  const windows = scores.reduce((s, x) => s + x.windows, 0);
  return normalise100(raw, windows, profile);
}
