import { Ewm, stillProven } from './ewm';
import type { ProfileView, SeasonalJudgement, UsualBasis } from './usual';
import { decodeFigures, encodeFigures, MEAN_FIGURES, SPREAD_FIGURES } from './figure-codes';
import { WEEK_DAYS, WeekDays, type DayVerdict, type WeekDaysSnapshot } from './week-days';

/** Slots in a day: a quarter of an hour each, fine enough that a step on the hour stays in its slot. */
export const PROFILE_SLOTS = 96;
/**
 * Slots in the odd days' profile (a working-hours service's weekend, a weekend service's): an hour
 * each, so it travels in a quarter of the room; what is learnt of those days is their routine (a
 * night's backup, a weekend's opening hours), and an hour's resolution tells that from an incident.
 */
export const ODD_DAY_SLOTS = 24;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const QUARTER_MS = HOUR_MS / 4;
/** How far each new day moves a slot's typical value and spread: a changed habit is learnt in days. */
const DAY_WEIGHT = 0.3;
/** Distinct days seen before the profile may judge: two whole days behind the one being judged. */
const DAYS_TO_PROVE = 3;
/**
 * Stored figures keep this many significant digits, so a carried snapshot stays small: a slot's mean
 * three, its spread (a variance, whose root is the bar) two.
 */
const MEAN_DIGITS = MEAN_FIGURES.digits;
const SPREAD_DIGITS = SPREAD_FIGURES.digits;
/** A point this many spreads from its slot's usual value is unlike the profile. */
const FAR_SPREADS = 4;
/**
 * A day this long (an hour and a half) mostly unlike the profile is a different kind of day (a
 * weekend of a working-hours service, a holiday): longer than an ordinary incident's hour, shorter
 * than any working day's difference from a rest day.
 */
const UNLIKE_MS = 1.5 * HOUR_MS;
/**
 * The profile is also read an hour earlier and later: a clock change moves a local working day by an
 * hour in UTC, and a load an hour off its usual time is no incident. The first shift is none.
 */
const CLOCK_SHIFTS_MS = [0, -HOUR_MS, HOUR_MS] as const;
/** A day whose first point is this far into it is not seen whole: its mean is no level (the monitor's first day). */
const WHOLE_DAY_MS = HOUR_MS;

const rounded = (x: number, digits: number) => Number(x.toPrecision(digits));

/** A daily profile as plain data; a slot never seen is null (JSON has no NaN). */
export interface DailyProfileSnapshot {
  /**
   * The slots' means and spreads as numbers: empty when `meanFigures` and `spreadFigures` carry them
   * (a third of the size), and then an older reader starts a fresh profile instead of failing; absent
   * in `oddDays`, which no older reader knows.
   */
  means?: (number | null)[];
  spreads?: number[];
  meanFigures?: string;
  spreadFigures?: string;
  residual: [number, number, number];
  slot: number;
  day: number;
  days: number;
  sum: number;
  squares: number;
  count: number;
  judged: number;
  proven: boolean;
  /** Which weekdays are the profile's kind (absent in a snapshot from before rest days). */
  weekDays?: WeekDaysSnapshot;
  /**
   * Today: the current slot's judged points, 1 if it rests, the sum and count of its values, 1 if it
   * was seen from its start; then per `CLOCK_SHIFTS` its unlike slots, then the current slot's unlike
   * points; then the unlike slots and the current slot's unlike points above the profile.
   */
  today?: number[];
  /** The odd days' own profile, of `ODD_DAY_SLOTS` slots (absent until a day was odd). */
  oddDays?: DailyProfileSnapshot;
}

/**
 * What each quarter of an hour of the day usually looks like, from the points' times: per slot, the
 * day-weighted mean of its values and the spread of the values around it. The detector's seasonal
 * view when the sampling is unknown or a day of points too many to keep (the detection loop's
 * one-minute CPU): about two hundred numbers, whatever the sampling. A slot's spread is its own
 * bar as well as the whole day's, so the minute a daily job starts, inside its slot, is not a
 * surprise every morning.
 *
 * Not every day is a working day. A day whose slots turn unlike the profile for an hour and a half
 * rests for the rest of it (the detector's plain view judges, the profile learns nothing), and
 * `WeekDays` remembers per weekday what it was like: a weekend of a service that works weekdays rests
 * from its start, so Monday morning is as familiar as Tuesday's and a weekday's load on a Sunday is
 * still an anomaly. The profile is read with an hour's tolerance, and moves by an hour when a whole
 * day fits it so (a clock change).
 *
 * The odd days (a weekend whose level is far from the working days') have a profile of their own, of
 * hours, which judges them once it has proved itself: a weekend's routine (a night's backup, a weekend
 * service's opening hours) is then no incident, and what is unusual for a Sunday still is.
 */
export class DailyProfile {
  private readonly slots: number;
  private readonly slotMs: number;
  /** `CLOCK_SHIFTS_MS` in slots. */
  private readonly shifts: number[];
  private readonly unlikeDaySlots: number;
  private readonly means: Float64Array;
  private readonly spreads: Float64Array;
  private readonly residual: Ewm;
  private slot = -1;
  private day = -1;
  private days = 0;
  /** The current slot's values today, folded into its mean and spread when the slot ends. */
  private sum = 0;
  private squares = 0;
  private count = 0;
  private judged = 0;
  private proven = false;
  /** Which weekdays are this profile's kind; none for the odd days' profile, whose days all are. */
  private readonly weekDays: WeekDays | undefined;
  /**
   * Today's slots whose points were mostly unlike the profile, and the current slot's tally; each
   * against the profile as it is and shifted by each of `CLOCK_SHIFTS_MS`.
   */
  private readonly unlikeSlots = CLOCK_SHIFTS_MS.map(() => 0);
  private readonly slotFar = CLOCK_SHIFTS_MS.map(() => 0);
  private slotSeen = 0;
  /** Of today's unlike slots (and the current slot's unlike points), those above the profile. */
  private unlikeAbove = 0;
  private slotAbove = 0;
  private resting = false;
  /** Today's values, for its level, whether or not it rests. */
  private daySum = 0;
  private dayCount = 0;
  private dayWhole = false;
  /** Whether today is one of the week's odd days, judged by `oddDays`. */
  private oddDay = false;
  private oddDays: DailyProfile | undefined;

  /** `slots` a day; `weekly`: tells the week's kinds of days apart (the odd days' profile does not). */
  constructor(
    private readonly horizon: number,
    slots = PROFILE_SLOTS,
    weekly = true,
  ) {
    this.slots = slots;
    this.slotMs = DAY_MS / slots;
    this.shifts = CLOCK_SHIFTS_MS.map((ms) => ms / this.slotMs);
    this.unlikeDaySlots = Math.ceil(UNLIKE_MS / this.slotMs);
    this.means = new Float64Array(slots).fill(Number.NaN);
    this.spreads = new Float64Array(slots);
    this.weekDays = weekly ? new WeekDays() : undefined;
    this.residual = new Ewm(horizon);
  }

  /**
   * The point's surprise against its slot, when the series has proved daily (as `Season.observe`):
   * a profile proves itself when its residual varies less than `share` of what the values do (the
   * plain view's `variance`). On the week's odd days the odd days' profile answers.
   */
  observe(
    x: number,
    atMs: number,
    share: number,
    variance: number,
    learns = true,
  ): SeasonalJudgement | undefined {
    const seen = this.judge(x, atMs, share * variance, learns);
    if (!this.oddDay) return seen;
    this.oddDays ??= new DailyProfile(this.horizon, ODD_DAY_SLOTS, false);
    // The plain view's variance is the other days' (a weekend judged by a working week's): the odd
    // days' profile proves itself against the variance of its own days' values.
    return this.oddDays.observe(x, atMs, share, this.oddDays.valueVariance(), learns);
  }

  /**
   * The variance of the values this profile's days have, from its slots: the mean of the slots'
   * spreads and the variance of their means.
   */
  private valueVariance(): number {
    let n = 0;
    let sum = 0;
    let squares = 0;
    let spreads = 0;
    this.means.forEach((m, i) => {
      if (Number.isNaN(m)) return;
      n++;
      sum += m;
      squares += m * m;
      spreads += this.spreads[i] ?? 0;
    });
    return n === 0 ? 0 : spreads / n + Math.max(0, squares / n - (sum / n) ** 2);
  }

  /** `learns` false: judged, and counted in the day's level, but not learnt (a confirmed fault's point). */
  private judge(x: number, atMs: number, qualifying: number, learns: boolean): SeasonalJudgement | undefined {
    const day = Math.floor(atMs / DAY_MS);
    const slot = Math.floor((atMs - day * DAY_MS) / this.slotMs);
    if (slot !== this.slot || day !== this.day) this.fold();
    if (day !== this.day) this.startDay(day, slot);
    this.slot = slot;
    // To a thousandth as it goes: a carried snapshot stays small and adds up exactly as one pass.
    this.daySum = Math.round((this.daySum + x) * 1000) / 1000;
    this.dayCount++;
    const typical = this.means[slot] ?? Number.NaN;
    const learning = learns && !this.resting && this.learnsOn(day);
    if (Number.isNaN(typical)) {
      if (learning) this.learn(x, 0, false);
      return undefined;
    }
    const change = x - typical;
    const slotSpread = this.spreads[slot] ?? 0;
    const far = slotSpread > 0 ? FAR_SPREADS * Math.sqrt(slotSpread) : Number.POSITIVE_INFINITY;
    const measuring = this.days >= DAYS_TO_PROVE;
    if (measuring) this.slotSeen++;
    // The hour's tolerance needs points finer than the hour: at one an hour (an hourly export) the
    // neighbouring hour is the neighbouring point, and a spike beside the usual peak would pass for it.
    // (More points today than quarters of an hour gone.)
    const tolerant = this.dayCount > Math.floor((atMs - day * DAY_MS) / QUARTER_MS);
    let z = Number.POSITIVE_INFINITY;
    let expected = typical;
    let bar = 0;
    this.shifts.forEach((shift, i) => {
      const at = (slot + shift + this.slots) % this.slots;
      const mean = this.means[at] ?? Number.NaN;
      const spread = this.spreads[at] ?? 0;
      const off = x - mean;
      // A slot with no spread yet says nothing against the day, and nothing for shifting the profile.
      const unlike = spread > 0 ? Math.abs(off) > FAR_SPREADS * Math.sqrt(spread) : shift !== 0;
      if (measuring && unlike) this.slotFar[i] = (this.slotFar[i] ?? 0) + 1;
      if (measuring && unlike && shift === 0 && off > 0) this.slotAbove++;
      if (Number.isNaN(mean) || (shift !== 0 && !tolerant)) return;
      const variance = Math.max(this.residual.variance, spread);
      const deviation = Math.abs(off - this.residual.mean);
      const surprise = variance > 0 ? deviation / Math.sqrt(variance) : 50;
      if (surprise >= z) return;
      z = surprise;
      expected = mean + this.residual.mean;
      bar = variance;
    });
    if (this.resting) return undefined;
    if (measuring) this.proven = stillProven(this.proven, this.residual.variance, qualifying);
    const basis: UsualBasis = this.weekDays ? 'time of day' : 'hour of its odd days';
    const seen = this.proven ? { z, variance: this.residual.variance, expected, bar, basis } : undefined;
    if (!learning) return seen;
    // Learnt clipped to the slot's bar: a rest day's first hours, before it is known to rest, or an
    // incident's hour move the profile a little instead of blurring it for days.
    const learnt = Math.max(-far, Math.min(far, change));
    this.residual.update(this.clippedToResidual(learnt));
    this.learn(typical + learnt, learnt, true);
    return seen;
  }

  /**
   * The whole day's residual learns a point only up to `FAR_SPREADS` of its own spreads: it is every
   * slot's floor and the profile's proof, and one slot's hour (a weekly job on Mondays at three, an
   * incident) clipped only to that slot's wide bar multiplied it fivefold; the profile lost its proof
   * and the next mornings alarmed against the plain view, or kept it and was blind all day.
   */
  private clippedToResidual(change: number): number {
    const bound = FAR_SPREADS * Math.sqrt(this.residual.variance);
    if (!(bound > 0)) return change;
    const mean = this.residual.mean;
    return Math.max(mean - bound, Math.min(mean + bound, change));
  }

  private learnsOn(day: number): boolean {
    return this.weekDays?.learnsOn(day % WEEK_DAYS) ?? true;
  }

  private learn(x: number, change: number, judged: boolean): void {
    this.sum += x;
    this.count++;
    if (!judged) return;
    this.squares += change * change;
    this.judged++;
  }

  /** Closes the day that ended (was it unlike? its level) and decides whether the new one rests. */
  private startDay(day: number, slot: number): void {
    if (this.day >= 0) {
      const measured = this.days >= DAYS_TO_PROVE;
      const shift = measured ? this.shiftedBy() : undefined;
      if (shift !== undefined) this.shift(shift);
      // A day the young profile learnt from before it could judge is like it by construction; so is
      // one the profile moved to.
      const unlikeSlots = this.unlikeSlots[0] ?? 0;
      const verdict: DayVerdict | undefined =
        shift !== undefined || (!measured && !this.resting)
          ? 'like'
          : !measured
            ? undefined
            : unlikeSlots < this.unlikeDaySlots
              ? 'like'
              : this.unlikeAbove * 2 > unlikeSlots
                ? 'busier'
                : 'quieter';
      const level = this.dayWhole && this.dayCount > 0 ? this.daySum / this.dayCount : undefined;
      const oddBefore = this.weekDays?.oddFlags();
      if (this.weekDays?.close(this.day % WEEK_DAYS, verdict, level, this.swing()) === 'start-again')
        this.startAgain();
      // Other days odd now: what the odd days' profile learnt was of another kind of day.
      if (this.weekDays?.oddFlags() !== oddBefore) this.oddDays = undefined;
    }
    this.day = day;
    this.unlikeSlots.fill(0);
    this.unlikeAbove = 0;
    this.daySum = this.dayCount = 0;
    this.dayWhole = slot * this.slotMs < WHOLE_DAY_MS;
    this.resting = this.weekDays?.rests(day % WEEK_DAYS) ?? false;
    this.oddDay = this.weekDays?.isOdd(day % WEEK_DAYS) ?? false;
    if (!this.resting && this.learnsOn(day)) this.days++;
  }

  /** The highest slot mean less the lowest: the scale that tells a weekend's level from a weekday's. */
  private swing(): number {
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const m of this.means) {
      if (Number.isNaN(m)) continue;
      low = Math.min(low, m);
      high = Math.max(high, m);
    }
    return high - low;
  }

  /**
   * Most days unlike the profile, or it learnt from the odd kind of day (a monitor started on a
   * Sunday): it starts again from the days that are alike; the plain view judges meanwhile.
   */
  private startAgain(): void {
    this.means.fill(Number.NaN);
    this.spreads.fill(0);
    this.residual.load([0, 0, 0]);
    this.days = 0;
    this.proven = false;
  }

  private fold(): void {
    this.slotFar.forEach((far, i) => {
      if (far * 2 > this.slotSeen) this.unlikeSlots[i] = (this.unlikeSlots[i] ?? 0) + 1;
    });
    const far = this.slotFar[0] ?? 0;
    if (far * 2 > this.slotSeen && this.slotAbove * 2 > far) this.unlikeAbove++;
    this.slotFar.fill(0);
    this.slotSeen = this.slotAbove = 0;
    this.foldSlot();
    if ((this.unlikeSlots[0] ?? 0) >= this.unlikeDaySlots) this.resting = true;
  }

  /**
   * The day that ended was unlike the profile as it is and like it an hour off (one odd slot
   * allowed): the clocks changed, or the working day moved, so the profile moves by that hour. The
   * day judged with the hour's tolerance meanwhile, so its own mornings did not alarm.
   */
  private shiftedBy(): number | undefined {
    const unlike = this.unlikeSlots[0] ?? 0;
    if (unlike < this.unlikeDaySlots || !this.learnsOn(this.day)) return undefined;
    const like = this.unlikeSlots.findIndex((shifted, i) => i > 0 && shifted <= 1);
    return like > 0 ? this.shifts[like] : undefined;
  }

  private shift(slots: number): void {
    const means = [...this.means];
    const spreads = [...this.spreads];
    for (let s = 0; s < this.slots; s++) {
      const from = (s + slots + this.slots) % this.slots;
      this.means[s] = means[from] ?? Number.NaN;
      this.spreads[s] = spreads[from] ?? 0;
    }
  }

  private foldSlot(): void {
    if (this.slot < 0 || this.count === 0) return;
    const mean = this.sum / this.count;
    const before = this.means[this.slot] ?? Number.NaN;
    this.means[this.slot] = rounded(
      Number.isNaN(before) ? mean : before + DAY_WEIGHT * (mean - before),
      MEAN_DIGITS,
    );
    if (this.judged > 0) {
      const spread = this.squares / this.judged;
      const old = this.spreads[this.slot] ?? 0;
      this.spreads[this.slot] = rounded(
        old === 0 ? spread : old + DAY_WEIGHT * (spread - old),
        SPREAD_DIGITS,
      );
    }
    this.sum = this.squares = this.count = this.judged = 0;
  }

  /** Per hour, the mean of its slots' means and the root of their mean spread (with the residual's). */
  describe(): ProfileView {
    const perHour = this.slots / 24;
    const hours = Array.from({ length: 24 }, (_, hour) => {
      const slots = Array.from({ length: perHour }, (_, i) => hour * perHour + i).filter(
        (slot) => !Number.isNaN(this.means[slot] ?? Number.NaN),
      );
      if (slots.length === 0) return null;
      const average = (f: (slot: number) => number) =>
        slots.reduce((sum, slot) => sum + f(slot), 0) / slots.length;
      return {
        value: average((slot) => this.means[slot] ?? 0),
        spread: Math.sqrt(average((slot) => Math.max(this.residual.variance, this.spreads[slot] ?? 0))),
      };
    });
    return {
      proven: this.proven,
      days: this.days,
      hours,
      ...(this.weekDays ? { weekdays: this.weekDays.describe() } : {}),
      ...(this.oddDays ? { oddDays: this.oddDays.describe() } : {}),
    };
  }

  save(): DailyProfileSnapshot {
    const meanFigures = encodeFigures(this.means, MEAN_FIGURES);
    const spreadFigures = encodeFigures(this.spreads, SPREAD_FIGURES);
    const figures = meanFigures !== undefined && spreadFigures !== undefined;
    const olderReaders = this.weekDays ? { means: [], spreads: [] } : {};
    return {
      ...(figures
        ? { ...olderReaders, meanFigures, spreadFigures }
        : { means: [...this.means].map((m) => (Number.isNaN(m) ? null : m)), spreads: [...this.spreads] }),
      residual: this.residual.save(),
      slot: this.slot,
      day: this.day,
      days: this.days,
      sum: this.sum,
      squares: this.squares,
      count: this.count,
      judged: this.judged,
      proven: this.proven,
      ...(this.weekDays ? { weekDays: this.weekDays.save() } : {}),
      today: [
        this.slotSeen,
        this.resting ? 1 : 0,
        this.daySum,
        this.dayCount,
        this.dayWhole ? 1 : 0,
        ...this.unlikeSlots,
        ...this.slotFar,
        this.unlikeAbove,
        this.slotAbove,
      ],
      ...(this.oddDays ? { oddDays: this.oddDays.save() } : {}),
    };
  }

  static load(
    snapshot: DailyProfileSnapshot,
    horizon: number,
    slots = PROFILE_SLOTS,
    weekly = true,
  ): DailyProfile {
    const profile = new DailyProfile(horizon, slots, weekly);
    const { meanFigures, spreadFigures } = snapshot;
    const means =
      meanFigures === undefined ? (snapshot.means ?? []) : decodeFigures(meanFigures, MEAN_FIGURES);
    const spreads =
      spreadFigures === undefined ? (snapshot.spreads ?? []) : decodeFigures(spreadFigures, SPREAD_FIGURES);
    means.forEach((m, i) => (profile.means[i] = m ?? Number.NaN));
    spreads.forEach((s, i) => (profile.spreads[i] = s));
    profile.residual.load(snapshot.residual);
    profile.slot = snapshot.slot;
    profile.day = snapshot.day;
    profile.days = snapshot.days;
    profile.sum = snapshot.sum;
    profile.squares = snapshot.squares;
    profile.count = snapshot.count;
    profile.judged = snapshot.judged;
    profile.proven = snapshot.proven;
    profile.weekDays?.load(snapshot.weekDays);
    const [slotSeen = 0, resting = 0, daySum = 0, dayCount = 0, whole = 0, ...tallies] = snapshot.today ?? [];
    const shifts = CLOCK_SHIFTS_MS.length;
    CLOCK_SHIFTS_MS.forEach((_, i) => {
      profile.unlikeSlots[i] = tallies[i] ?? 0;
      profile.slotFar[i] = tallies[shifts + i] ?? 0;
    });
    profile.unlikeAbove = tallies[2 * shifts] ?? 0;
    profile.slotAbove = tallies[2 * shifts + 1] ?? 0;
    profile.slotSeen = slotSeen;
    profile.resting = resting === 1;
    profile.daySum = daySum;
    profile.dayCount = dayCount;
    profile.dayWhole = whole === 1;
    // Decided when the day started, from the odd days as they were then, which they still are.
    profile.oddDay = profile.day >= 0 && (profile.weekDays?.isOdd(profile.day % WEEK_DAYS) ?? false);
    if (snapshot.oddDays)
      profile.oddDays = DailyProfile.load(snapshot.oddDays, horizon, ODD_DAY_SLOTS, false);
    return profile;
  }
}
