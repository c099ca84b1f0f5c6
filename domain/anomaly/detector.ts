/**
 * A streaming anomaly detector: one point in, a score in [0, 1] and a decision out, constant
 * memory per series and no look-ahead.
 *
 * Surprise: how far the point, and its change from the previous point, sit from their
 * exponentially weighted means, in exponentially weighted standard deviations (z).
 * Adaptive reference: a point is anomalous when its surprise beats both an absolute floor and a
 * large fraction of the largest surprise seen recently (a slowly decaying maximum). A noisy series
 * thereby raises its own bar, a calm one keeps it low, with no per-series tuning.
 * score = z / (z + reference), so the shipped threshold 0.5 means "z reached the reference".
 * After an alarm the detector stays quiet (score 0) for a refractory period: one incident, one
 * alarm. The period is at most a day, so hourly data is not deaf for a week after each alarm: a day
 * of points when the sampling is known, a day of the points' times when it is not.
 *
 * Seasonality: given the number of points in a day, the detector also tracks the change from the
 * same time yesterday and from the same time last week. Once a series proves seasonal (that change
 * varies far less than the value itself), the surprise is that change's, from the season that
 * explains the series best: a daily ramp is then no longer an anomaly, and a quiet Monday that looks
 * like a Sunday is one. The ring buffers of one day and one week are fixed per series, so memory
 * stays constant.
 * Given each point's time (`updateAt`), points the series skipped advance the detector's clock without
 * teaching it anything, so after a gap the seasons still compare a point with the same time of day
 * and the quiet period after an alarm lasts its time; a missing value (NaN) is one skipped point.
 * Where the sampling is unknown (the detection loop), the times still teach a daily profile
 * (`daily-profile.ts`): what each quarter of an hour usually looks like, about two hundred numbers.
 *
 * Level transitions: the value's place in the range seen so far (four levels; the range slowly
 * forgets its extremes) and how often each level has followed the two before it. A transition that
 * almost never followed a context seen many times is anomalous even when the surprise is small: a
 * jump to a level the series has not visited, while past spikes have inflated its variance.
 */

import { Ewm, stillProven } from './ewm';
import { DailyProfile, type DailyProfileSnapshot } from './daily-profile';
import type { DetectorView, SeasonalJudgement, Usual } from './usual';
import { WeeklyRoutine, type DetectionVerdict, type WeeklyRoutineSnapshot } from './weekly-routine';
import { decodeCounts, encodeCounts } from './figure-codes';

export interface DetectorParams {
  /** Horizon, in points, of the mean and variance. */
  horizon: number;
  /** Points before the detector may alarm (it is learning). */
  warmup: number;
  /** Points after an alarm during which it stays quiet (at most a day of them, when the sampling is known). */
  refractory: number;
  /** Smallest surprise, in standard deviations, that can be an anomaly. */
  zFloor: number;
  /** Fraction of the recent maximum surprise a point must reach. */
  ratio: number;
  /** Per-point decay of the recent maximum. */
  decay: number;
  /** Decision threshold on the score. */
  threshold: number;
  /**
   * A series counts as daily when the variance of its day-over-day change is below this fraction of
   * twice the variance of its value (1: no relation between days at all).
   */
  seasonalStrength: number;
  /** The same for weeks. Looser than a day's: a week that repeats is rarely a coincidence. */
  weeklyStrength: number;
}

export interface SeriesShape {
  /** Points per day (e.g. 288 for 5-minute metrics); omit when the sampling is unknown. */
  pointsPerDay?: number;
}

/**
 * Chosen on the NAB dev folder from a coarse grid (`make eval` prints the figures), picking a
 * setting in the middle of the good region rather than the single best point, because the detector
 * is judged on traces that are not in that folder.
 */
/** Named in incident reports: bump it whenever DEFAULT_DETECTOR_PARAMS or the scoring change. */
export const DETECTOR_VERSION = 'streaming-detector-10';

export const DEFAULT_DETECTOR_PARAMS: DetectorParams = {
  horizon: 2000,
  warmup: 150,
  refractory: 150,
  zFloor: 4,
  ratio: 1.2,
  decay: 0.998,
  threshold: 0.5,
  seasonalStrength: 0.05,
  weeklyStrength: 0.1,
};

/** Intervals read to judge the sampling: enough to outvote a few gaps or bursts at the start. */
export const SAMPLING_INTERVALS = 64;

/**
 * Points per day from the typical (median) interval between the first timestamps (epoch ms), so a
 * gap or a duplicate row at the start does not set a wrong day for the seasonal views; undefined
 * when that is not sensible. Only the start is read: the detector must not depend on what comes later.
 */
export function pointsPerDayFrom(timestamps: number[]): number | undefined {
  const intervals: number[] = [];
  for (let i = 1; i < timestamps.length && intervals.length < SAMPLING_INTERVALS; i++) {
    const interval = (timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0);
    if (interval > 0) intervals.push(interval);
  }
  if (intervals.length === 0) return undefined;
  intervals.sort((a, b) => a - b);
  const typical = intervals[Math.floor((intervals.length - 1) / 2)] ?? 0;
  const perDay = Math.round(86_400_000 / typical);
  return perDay >= 2 && perDay <= 100_000 ? perDay : undefined;
}

export interface DetectorResult {
  /**
   * The anomaly score as reported: 0 while the detector cannot alarm (warming up, quiet after an
   * alarm, or a missing point). A tool that thresholds the score column (NAB's optimiser does)
   * then sees one alarm per incident, as the decisions do, not one per point of a lasting anomaly.
   */
  score: number;
  /** The score before that: how surprising the point is, alarm or not. */
  rawScore: number;
  isAnomaly: boolean;
  /** The point is above the series' running mean: a rise, where a caller cares only about rises. */
  above: boolean;
  /** On an anomaly, what the view that judged it took for usual there: what an operator is told. */
  usual?: Usual;
}

/** A detector's whole state as plain data, so a detection loop can carry it between polls. */
export interface DetectorSnapshot {
  values: [number, number, number];
  changes: [number, number, number];
  previous?: number;
  recentMax: number;
  index: number;
  quietUntil: number;
  /**
   * While the quiet period lasts, when it ends by the clock (epoch ms): a detector fed with times and
   * no known sampling is quiet for its refractory points or a day, whichever ends first
   * (streaming-detector-10). Absent in older snapshots and once the points have run out.
   */
  quietUntilMs?: number;
  /** Absent in snapshots from before streaming-detector-4: the transitions then start afresh. */
  levels?: LevelTransitionsSnapshot;
  /** The daily profile of a detector fed with times and no ring-buffer seasons (streaming-detector-7). */
  profile?: DailyProfileSnapshot;
  /** Which hours of the week surprised it on their last two occurrences (streaming-detector-9). */
  weekly?: WeeklyRoutineSnapshot;
  /** While a person's confirmed fault holds the daily profile's learning (epoch ms; decision 0051). */
  faultHeldUntil?: number;
}

export interface LevelTransitionsSnapshot {
  low: number;
  high: number;
  context: number;
  seen: number;
  /**
   * Per context (the last two levels), how often each level followed it: empty when `countFigures`
   * carries them (`encodeCounts`, a third of the size), so an older reader starts fresh counts.
   */
  counts: number[];
  countFigures?: string;
}

/**
 * Points missing between two timestamps `intervalMs` apart in the sampling (a gap of 3 intervals
 * misses 2); 0 for the next point, a duplicate or a row out of order.
 */
export function missingBetween(previousMs: number, atMs: number, intervalMs: number): number {
  return Math.max(0, Math.round((atMs - previousMs) / intervalMs) - 1);
}

/** A week of points above this (finer than 30-second data) is not kept: the daily view remains. */
const MAX_WEEK_POINTS = 20_160;

/**
 * One season's view: the change from the same slot one season ago, and how much it varies. A slot
 * never filled (the first season, or times the series skipped) holds NaN and judges nothing; a slot
 * last filled two seasons ago still has the right phase, so it serves.
 */
class Season {
  private readonly ago: Float64Array;
  private readonly residual: Ewm;
  private proven = false;
  constructor(
    private readonly length: number,
    horizon: number,
  ) {
    this.ago = new Float64Array(length).fill(Number.NaN);
    this.residual = new Ewm(horizon);
  }

  /** The change's surprise, when the series has proved this seasonal (its change varies less than `qualifying`). */
  observe(x: number, index: number, qualifying: number): SeasonalJudgement | undefined {
    const slot = index % this.length;
    let seen: SeasonalJudgement | undefined;
    const before = this.ago[slot] ?? Number.NaN;
    if (!Number.isNaN(before)) {
      const change = x - before;
      if (this.residual.count >= this.length)
        this.proven = stillProven(this.proven, this.residual.variance, qualifying);
      if (this.proven) {
        const { mean, variance } = this.residual;
        seen = {
          z: this.residual.z(change),
          variance,
          expected: before + mean,
          bar: variance,
          basis: 'season',
        };
      }
      this.residual.update(change);
    }
    this.ago[slot] = x;
    return seen;
  }
}

const LEVELS = 4;
const CONTEXTS = LEVELS * LEVELS;
/** Per point, the share of the range by which its extremes move back towards each other. */
const RANGE_FORGETTING = 1e-4;
/** A context followed this few times says nothing yet. */
const MIN_CONTEXT_COUNT = 200;
/** A context followed more often than this has its counts halved. */
const MAX_CONTEXT_COUNT = 10_000;
/** The chance of a transition at which its novelty scores 0.5 (the shipped threshold). */
const NOVEL_TRANSITION = 5e-4;
const LOG_NOVEL = -Math.log(NOVEL_TRANSITION);

/** How often each of four range levels followed the two before it (see the file's comment). */
class LevelTransitions {
  private low = 0;
  private high = 0;
  private context = 0;
  private seen = 0;
  private readonly counts = new Float64Array(CONTEXTS * LEVELS);
  private readonly totals = new Float64Array(CONTEXTS);

  save(): LevelTransitionsSnapshot {
    return {
      low: this.low,
      high: this.high,
      context: this.context,
      seen: this.seen,
      ...this.savedCounts(),
    };
  }

  private savedCounts(): Pick<LevelTransitionsSnapshot, 'counts' | 'countFigures'> {
    const countFigures = encodeCounts(this.counts);
    return countFigures === undefined ? { counts: [...this.counts] } : { counts: [], countFigures };
  }

  load(snapshot: LevelTransitionsSnapshot): void {
    this.low = snapshot.low;
    this.high = snapshot.high;
    this.context = snapshot.context;
    this.seen = snapshot.seen;
    const counts =
      snapshot.countFigures === undefined ? snapshot.counts : decodeCounts(snapshot.countFigures);
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = counts[i] ?? 0;
    for (let c = 0; c < CONTEXTS; c++) {
      let total = 0;
      for (let l = 0; l < LEVELS; l++) total += this.counts[c * LEVELS + l] ?? 0;
      this.totals[c] = total;
    }
  }

  /** Old transitions fade: counts stay bounded, and a series that changed its habits is judged by the new ones. */
  private halve(context: number): void {
    let total = 0;
    for (let l = 0; l < LEVELS; l++) {
      const cell = context * LEVELS + l;
      this.counts[cell] = Math.floor((this.counts[cell] ?? 0) / 2);
      total += this.counts[cell] ?? 0;
    }
    this.totals[context] = total;
  }

  /** The novelty of this point's transition as a score in [0, 1); 0.5 at `NOVEL_TRANSITION`. */
  observe(x: number): number {
    if (this.seen === 0) this.low = this.high = x;
    const width = this.high - this.low;
    this.high = Math.max(x, this.high - width * RANGE_FORGETTING);
    this.low = Math.min(x, this.low + width * RANGE_FORGETTING);
    const span = this.high - this.low;
    const level = span > 0 ? Math.min(LEVELS - 1, Math.floor(((x - this.low) / span) * LEVELS)) : 0;
    let novelty = 0;
    if (this.seen >= 2) {
      const cell = this.context * LEVELS + level;
      const total = this.totals[this.context] ?? 0;
      if (total >= MIN_CONTEXT_COUNT) {
        const chance = ((this.counts[cell] ?? 0) + 0.01) / (total + 0.01 * LEVELS);
        // Steep: an ordinary transition scores near 0, whereas the surprise's z / (z + reference)
        // would give every merely uncommon one a third.
        const ratio = (-Math.log(chance) / LOG_NOVEL) ** 4;
        novelty = ratio / (1 + ratio);
      }
      this.counts[cell] = (this.counts[cell] ?? 0) + 1;
      this.totals[this.context] = total + 1;
      if (total + 1 > MAX_CONTEXT_COUNT) this.halve(this.context);
    }
    this.context = (this.context * LEVELS + level) % CONTEXTS;
    this.seen++;
    return novelty;
  }
}

/**
 * How long after a detection a person called a fault the daily profile does not learn the series: a
 * fault that comes back at the same hour every week would otherwise widen that hour's spread until it
 * no longer surprises (decision 0051).
 */
export const FAULT_HOLD_MS = 3_600_000;

/** The longest quiet period after an alarm, as with a known sampling: hourly points are not deaf for a week. */
export const MAX_QUIET_MS = 86_400_000;

export class StreamingDetector {
  private readonly values: Ewm;
  private readonly changes: Ewm;
  private previous: number | undefined;
  private recentMax = 0;
  private index = 0;
  private quietUntil = 0;
  /** When the quiet period ends by the clock, for a detector fed with times and no known sampling. */
  private quietUntilMs: number | undefined;
  private readonly seasons: Season[];
  private readonly refractory: number;
  private readonly levels = new LevelTransitions();
  /** The seasonal view from the points' times, for a series without ring-buffer seasons. */
  private profile: DailyProfile | undefined;
  private weekly: WeeklyRoutine | undefined;
  /** Milliseconds between points when the sampling is known; 0 when it is not. */
  private readonly intervalMs: number;
  private lastAt: number | undefined;
  private skipped = 0;
  /** Until then the daily profile does not learn: a person confirmed the surprise there was a fault. */
  private faultHeldUntil: number | undefined;

  constructor(
    private readonly params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
    shape: SeriesShape = {},
  ) {
    this.values = new Ewm(params.horizon);
    this.changes = new Ewm(params.horizon);
    const day = shape.pointsPerDay ?? 0;
    this.intervalMs = day ? 86_400_000 / day : 0;
    this.refractory = day ? Math.max(1, Math.min(params.refractory, day)) : params.refractory;
    this.seasons = day
      ? [day, ...(7 * day <= MAX_WEEK_POINTS ? [7 * day] : [])].map(
          (length) => new Season(length, params.horizon),
        )
      : [];
  }

  /**
   * The daily profile travels with it; the ring-buffer seasons (days of values) and the last point's
   * time do not: the detection loop, which carries snapshots, does not know its sampling.
   * `withLevels: false` and `withProfile: false` leave out the transition counts and the profile
   * (most of its size), which then start afresh on restore.
   */
  snapshot({
    withLevels = true,
    withProfile = true,
  }: { withLevels?: boolean; withProfile?: boolean } = {}): DetectorSnapshot {
    return {
      values: this.values.save(),
      changes: this.changes.save(),
      previous: this.previous,
      recentMax: this.recentMax,
      index: this.index,
      quietUntil: this.quietUntil,
      ...(this.quietUntilMs !== undefined && this.index < this.quietUntil
        ? { quietUntilMs: this.quietUntilMs }
        : {}),
      ...(withLevels ? { levels: this.levels.save() } : {}),
      ...(withProfile && this.profile ? { profile: this.profile.save() } : {}),
      ...(withProfile && this.weekly ? { weekly: this.weekly.save() } : {}),
      ...(this.faultHeldUntil !== undefined ? { faultHeldUntil: this.faultHeldUntil } : {}),
    };
  }

  /**
   * A carried snapshot told a person's word on one of its detections, as `judgeDetection` would have
   * told the detector; what it carried (levels, profile) it carries still.
   */
  static judgedSnapshot(
    snapshot: DetectorSnapshot,
    atMs: number,
    verdict: DetectionVerdict,
  ): DetectorSnapshot {
    const detector = StreamingDetector.restore(snapshot);
    detector.judgeDetection(atMs, verdict);
    return detector.snapshot({
      withLevels: snapshot.levels !== undefined,
      withProfile: snapshot.profile !== undefined,
    });
  }

  /**
   * A person's word on one of its detections (decision 0051): the weekly routine learns it, and a
   * fault holds the daily profile's learning for `FAULT_HOLD_MS` from `atMs`.
   */
  judgeDetection(atMs: number, verdict: DetectionVerdict): void {
    this.weekly?.judge(atMs, verdict);
    if (verdict === 'fault') this.faultHeldUntil = atMs + FAULT_HOLD_MS;
  }

  /** What it takes for usual: its recent level and, fed with times, its daily profiles. */
  describe(): DetectorView {
    return {
      points: this.index,
      recent: { value: this.values.mean, spread: Math.sqrt(this.values.variance) },
      ...(this.profile ? { profile: this.profile.describe() } : {}),
      ...(this.weekly ? { weeklyRoutines: this.weekly.routines() } : {}),
    };
  }

  static restore(
    snapshot: DetectorSnapshot,
    params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
  ): StreamingDetector {
    const detector = new StreamingDetector(params);
    detector.values.load(snapshot.values);
    detector.changes.load(snapshot.changes);
    detector.previous = snapshot.previous;
    detector.recentMax = snapshot.recentMax;
    detector.index = snapshot.index;
    detector.quietUntil = snapshot.quietUntil;
    detector.quietUntilMs = snapshot.quietUntilMs;
    if (snapshot.levels) detector.levels.load(snapshot.levels);
    if (snapshot.profile) detector.profile = DailyProfile.load(snapshot.profile, params.horizon);
    if (snapshot.weekly) detector.weekly = WeeklyRoutine.load(snapshot.weekly);
    detector.faultHeldUntil = snapshot.faultHeldUntil;
    return detector;
  }

  /**
   * `update` for a point with its time (epoch ms): points the series skipped since the last one (an
   * agent down, an instance stopped) first advance the detector's clock, so the seasons compare each
   * point with the same time of day, and the quiet period after an alarm lasts its time, not its
   * count of points. Without a known sampling the time still places the point in the day for the
   * daily profile, the seasonal view of a series whose day of points is unknown or too long to keep.
   * Without a time it is `update`.
   */
  updateAt(value: number, atMs: number | undefined): DetectorResult {
    if (atMs === undefined || !Number.isFinite(atMs)) return this.update(value);
    if (this.intervalMs > 0) {
      if (this.lastAt !== undefined) this.skip(missingBetween(this.lastAt, atMs, this.intervalMs));
      this.lastAt = Math.max(atMs, this.lastAt ?? atMs);
    } else {
      this.profile ??= new DailyProfile(this.params.horizon);
      this.weekly ??= new WeeklyRoutine();
    }
    return this.judge(value, atMs);
  }

  /**
   * Points the series does not have: time passes, nothing is learnt, nothing can alarm. The recent
   * maximum surprise does not decay over them: a gap is no evidence that the series calmed down.
   */
  skip(points: number): void {
    this.index += points;
    this.skipped += points;
  }

  /** Points it has counted, learnt or skipped: `describe().points` without describing the rest. */
  get pointsSeen(): number {
    return this.index;
  }

  /** Points the series missed since this detector was made or restored: missing values and gaps. */
  get missed(): number {
    return this.skipped;
  }

  update(value: number): DetectorResult {
    return this.judge(value, undefined);
  }

  private judge(value: number, atMs: number | undefined): DetectorResult {
    if (!Number.isFinite(value)) {
      // A missing datapoint is a skipped one: carrying the last value in its place would teach the
      // detector a flat line and make the next ordinary change look surprising.
      this.skip(1);
      return { score: 0, rawScore: 0, isAnomaly: false, above: false };
    }
    const x = value;
    const change = this.previous === undefined ? 0 : x - this.previous;
    let z = Math.max(this.values.z(x), this.changes.z(change));
    let best: SeasonalJudgement | undefined;
    for (let i = 0; i < this.seasons.length; i++) {
      const strength = i === 0 ? this.params.seasonalStrength : this.params.weeklyStrength;
      const seen = this.seasons[i]?.observe(x, this.index, strength * 2 * this.values.variance);
      if (seen && (!best || seen.variance < best.variance)) best = seen;
    }
    let byProfile = false;
    if (this.profile && atMs !== undefined) {
      if (this.faultHeldUntil !== undefined && atMs >= this.faultHeldUntil) this.faultHeldUntil = undefined;
      const held = this.faultHeldUntil !== undefined;
      best = this.profile.observe(x, atMs, this.params.seasonalStrength * 2, this.values.variance, !held);
      byProfile = best !== undefined;
    }
    if (best) z = best.z;
    z = Math.min(50, z);
    const plainMean = this.values.mean;
    const plainVariance = this.values.variance;
    const above = x > plainMean;
    this.values.update(x);
    this.changes.update(change);
    this.previous = x;
    this.index++;

    const transitionNovelty = this.levels.observe(x);
    // A proven daily profile knows which transitions belong to this time of day; counted among all
    // of the day's transitions, the morning's one step up is always rare.
    const novelty = byProfile ? 0 : transitionNovelty;
    const reference = Math.max(this.params.zFloor, this.params.ratio * this.recentMax);
    this.recentMax = Math.max(z, this.recentMax * this.params.decay);
    const surprise = z / (z + reference);
    const byTransition = novelty > surprise;
    const rawScore = Math.max(surprise, novelty);
    // A surprise at the hour of the week that surprised it the two weeks before is a weekly job (only
    // for the daily profile's series: a known sampling keeps a week of values instead).
    const weekly =
      atMs !== undefined && this.weekly
        ? this.weekly.repeats(atMs, rawScore >= this.params.threshold)
        : false;
    // Warm-up counts the points learnt from; the quiet period counts time (skipped points too).
    const quietOver =
      this.index >= this.quietUntil ||
      (this.quietUntilMs !== undefined && atMs !== undefined && atMs >= this.quietUntilMs);
    const canAlarm = this.values.count > this.params.warmup && quietOver && !weekly;
    const score = canAlarm ? rawScore : 0;
    const isAnomaly = canAlarm && score >= this.params.threshold;
    if (!isAnomaly) return { score, rawScore, isAnomaly, above };
    this.quietUntil = this.index + this.refractory;
    // Without a known sampling the points do not say how long they last; their times do.
    this.quietUntilMs = this.intervalMs === 0 && atMs !== undefined ? atMs + MAX_QUIET_MS : undefined;
    const usual: Usual =
      byTransition || !best
        ? {
            basis: byTransition ? 'level transitions' : 'recent values',
            value: plainMean,
            spread: Math.sqrt(plainVariance),
          }
        : { basis: best.basis, value: best.expected, spread: Math.sqrt(best.bar) };
    return { score, rawScore, isAnomaly, above, usual };
  }
}
