import { DEFAULT_DETECTOR_PARAMS, StreamingDetector, type DetectorParams } from './detector';
import type { TrainingSeries } from './labelled-series';
import {
  normalisedScore,
  scoreSeries,
  STANDARD_PROFILE,
  type CostProfile,
  type SeriesScore,
} from './nab-score';

/**
 * Fitting the detector's decision knobs to labelled series: the NAB score of every setting on a
 * small grid, the best one kept. Only knobs that do not change the detector's carried state are
 * tuned, so a new version applies to running detectors at once. The threshold stays at 0.5 ("z
 * reached the reference"): the score is z / (z + reference), so moving the threshold only rescales
 * the floor and the ratio, which the grid already spans.
 */

export type TunedKnobs = Pick<DetectorParams, 'threshold' | 'zFloor' | 'ratio'>;

export const DETECTOR_GRID: { [K in 'zFloor' | 'ratio']: readonly number[] } = {
  zFloor: [3, 4, 5, 6, 7, 8],
  ratio: [0.35, 0.5, 0.65, 0.8, 1, 1.2],
};

/**
 * A stored version's parameters as the detector takes them: the tuned knobs over the shipped
 * defaults; undefined when they are not numbers in a sane range (the shipped detector then runs).
 */
export function detectorParamsFrom(stored: unknown): DetectorParams | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { threshold, zFloor, ratio } = stored as Partial<Record<keyof TunedKnobs, unknown>>;
  const sane = (x: unknown, low: number, high: number): x is number =>
    typeof x === 'number' && x >= low && x <= high;
  if (!sane(threshold, 0.05, 0.95) || !sane(zFloor, 0.5, 50) || !sane(ratio, 0.1, 10)) return undefined;
  return { ...DEFAULT_DETECTOR_PARAMS, threshold, zFloor, ratio };
}

/**
 * The weight of a false alarm, from how precise the detector has been on the fleet: NAB's standard
 * 0.11 when every alarm was real, up to its "reward low false positives" 0.22 when half or fewer were.
 */
export function profileForPrecision(precision: number | undefined): CostProfile {
  const p = precision === undefined ? 1 : Math.min(1, Math.max(0.5, precision));
  return { ...STANDARD_PROFILE, fp: STANDARD_PROFILE.fp / p };
}

/** Each series' NAB score under `params`: what a score over several groups of files pools. */
export function scoreFiles(
  params: DetectorParams,
  series: readonly TrainingSeries[],
  profile: CostProfile = STANDARD_PROFILE,
): SeriesScore[] {
  return series.map((s) => {
    const detector = new StreamingDetector(params, s.pointsPerDay ? { pointsPerDay: s.pointsPerDay } : {});
    const detections = s.values.map((v, i) => detector.updateAt(v, s.timestamps[i]).isAnomaly);
    return scoreSeries({ name: s.name, timestamps: s.timestamps, detections, windows: s.windows }, profile);
  });
}

/** The NAB normalised score (0 detects nothing, 100 perfect) of `params` on the series. */
export function scoreDetector(
  params: DetectorParams,
  series: readonly TrainingSeries[],
  profile: CostProfile = STANDARD_PROFILE,
): number {
  return normalisedScore(scoreFiles(params, series, profile), profile);
}

/** The grid's best setting on the series (ties go to the earlier, more sensitive, setting). */
export function tuneDetector(
  series: readonly TrainingSeries[],
  profile: CostProfile,
  progress: (fraction: number) => void = () => undefined,
): { params: DetectorParams; score: number } {
  let best: { params: DetectorParams; score: number } | undefined;
  DETECTOR_GRID.zFloor.forEach((zFloor, row) => {
    for (const ratio of DETECTOR_GRID.ratio) {
      const params = { ...DEFAULT_DETECTOR_PARAMS, zFloor, ratio };
      const score = scoreDetector(params, series, profile);
      if (!best || score > best.score) best = { params, score };
    }
    progress((row + 1) / DETECTOR_GRID.zFloor.length);
  });
  return (
    best ?? {
      params: DEFAULT_DETECTOR_PARAMS,
      score: scoreDetector(DEFAULT_DETECTOR_PARAMS, series, profile),
    }
  );
}
