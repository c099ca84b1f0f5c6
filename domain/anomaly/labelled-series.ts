import { normal, stableHash } from '../random';

/**
 * Labelled CPU series shaped like what the detection loop reads (one point a minute, half a day):
 * a level, noise of varying kind, sometimes a slow swing or a recurring job, and usually one fault — a spike, a level
 * shift, a runaway climb or a burst of jitter — with its NAB window around the fault's start. The
 * detector is trained and judged on them: the real traces in `make eval` are not in the worker.
 */

/** A series with its labelled anomaly windows: generated here, or read from a NAB-style folder. */
export interface TrainingSeries {
  name: string;
  values: number[];
  /** Epoch milliseconds. */
  timestamps: number[];
  /** NAB windows, [start, end] epoch milliseconds inclusive. */
  windows: [number, number][];
  /** For real traces: the sampling, so the detector's daily and weekly views apply. */
  pointsPerDay?: number;
  /** Judged on, never tuned on; when absent, a folder's fixed third by name (`isHeldOutFile`). */
  heldOut?: boolean;
}

export const isHeldOut = (s: TrainingSeries): boolean => s.heldOut ?? isHeldOutFile(s.name);

/**
 * A fixed third of a labelled folder's files, by name, is held out: every candidate and the active
 * version are judged on the same files, none of which any of them was fitted on.
 */
export function isHeldOutFile(name: string): boolean {
  return stableHash(name) % 3 === 0;
}

export const SERIES_POINTS = 720;
const MINUTE = 60_000;
/** NAB's rule: windows cover a tenth of the series, centred on each fault. */
const HALF_WINDOW = Math.floor((0.1 * SERIES_POINTS) / 2);
/** Faults start after the detector's warm-up and NAB's probation, and early enough to be seen. */
const EARLIEST_FAULT = 200;
const LATEST_FAULT = 650;
/** A quarter of the series are fault-free: a detector that always fires must pay for it. */
const FAULT_SHARE = 0.75;

const FAULTS = ['spike', 'level-shift', 'runaway', 'jitter'] as const;
export type SeriesFault = (typeof FAULTS)[number];

const between = (random: () => number, low: number, high: number) => low + (high - low) * random();

/** Noise with occasional benign outliers (heavy tails) when `burstiness` > 0. */
function noiseAt(random: () => number, sd: number, burstiness: number): number {
  const outlier = random() < burstiness ? between(random, 2, 4) * (random() < 0.5 ? -1 : 1) : 0;
  return sd * (normal(random) + outlier);
}

export function generateLabelledSeries(random: () => number, name: string): TrainingSeries {
  const level = between(random, 10, 60);
  const sd = between(random, 0.5, 6);
  const burstiness = random() < 0.4 ? between(random, 0.005, 0.02) : 0;
  const swing = random() < 0.5 ? between(random, 2, 12) : 0;
  const swingPeriod = between(random, 120, 480);
  // A recurring job (a cron, a batch) lifts CPU briefly every period: normal for this host, though
  // its first occurrences look like faults to a detector that has not seen it yet.
  const job =
    random() < 0.3
      ? {
          every: Math.floor(between(random, 30, 90)),
          points: 2 + Math.floor(random() * 4),
          lift: between(random, 8, 30),
        }
      : undefined;
  const fault: SeriesFault | undefined =
    random() < FAULT_SHARE ? FAULTS[Math.floor(random() * FAULTS.length)] : undefined;
  const start = Math.floor(between(random, EARLIEST_FAULT, LATEST_FAULT));
  const height = between(random, 4, 10) * Math.max(sd, 2);
  const spikeLength = 1 + Math.floor(random() * 3);
  const climb = between(random, 0.3, 1.5);

  const values: number[] = [];
  const timestamps: number[] = [];
  for (let i = 0; i < SERIES_POINTS; i++) {
    let value = level + swing * Math.sin((2 * Math.PI * i) / swingPeriod) + noiseAt(random, sd, burstiness);
    if (job && i % job.every < job.points) value += job.lift;
    if (fault && i >= start) {
      if (fault === 'spike' && i < start + spikeLength) value += height;
      if (fault === 'level-shift') value += height;
      if (fault === 'runaway') value += climb * (i - start + 1);
      if (fault === 'jitter' && i < start + 40) value += 4 * sd * normal(random);
    }
    values.push(Math.min(100, Math.max(0, value)));
    timestamps.push(i * MINUTE);
  }
  const windows: [number, number][] = fault
    ? [[(start - HALF_WINDOW) * MINUTE, Math.min(SERIES_POINTS - 1, start + HALF_WINDOW) * MINUTE]]
    : [];
  return { name: `${name}${fault ? `-${fault}` : ''}`, values, timestamps, windows };
}

export function generateLabelledSet(random: () => number, count: number): TrainingSeries[] {
  return Array.from({ length: count }, (_, i) => generateLabelledSeries(random, `synthetic-${i}`));
}
