/**
 * The Numenta Anomaly Benchmark's scoring rules, for one fixed threshold: labelled windows, the
 * scaled sigmoid reward (early detections in a window earn most), a probationary first 15 % that is
 * not scored, and normalisation so that detecting nothing scores 0 and perfect detection 100.
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

export function scoreSeries(series: LabelledSeries, profile: CostProfile = STANDARD_PROFILE): SeriesScore {
  const { timestamps, detections } = series;
  const probation = probationLength(timestamps.length);
  const windows = series.windows
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

  let raw = 0;
  let truePositives = 0;
  let falsePositives = 0;
  const detected = new Set<number>();
  let windowIndex = 0;
  let previous: { last: number; width: number } | undefined;

  for (let i = 0; i < timestamps.length; i++) {
    while (windowIndex < windows.length && i > (windows[windowIndex]?.last ?? Infinity)) {
      previous = windows[windowIndex];
      windowIndex++;
    }
    if (i < probation || !detections[i]) continue;
    const window = windows[windowIndex];
    if (window && i >= window.first && i <= window.last) {
      if (detected.has(windowIndex)) continue;
      detected.add(windowIndex);
      const position = -(window.last - i + 1) / window.width;
      raw += (scaledSigmoid(position) * profile.tp) / MAX_TP;
      truePositives++;
    } else {
      const unweighted = previous
        ? scaledSigmoid(Math.abs(previous.last - i) / Math.max(1, previous.width - 1))
        : -1.0;
      raw += unweighted * profile.fp;
      falsePositives++;
    }
  }
  const falseNegatives = windows.length - detected.size;
  raw -= falseNegatives * profile.fn;
  return { name: series.name, raw, windows: windows.length, truePositives, falsePositives, falseNegatives };
}

/** 100 × (raw − null) / (perfect − null): null detects nothing, perfect detects each window at its start. */
export function normalisedScore(scores: SeriesScore[], profile: CostProfile = STANDARD_PROFILE): number {
  const raw = scores.reduce((s, x) => s + x.raw, 0);
  const windows = scores.reduce((s, x) => s + x.windows, 0);
  const nullScore = -windows * profile.fn;
  const perfect = windows * profile.tp;
  return perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}
