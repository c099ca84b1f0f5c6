import { Ewm, stillProven } from './ewm';

/** Slots in a day: a quarter of an hour each, fine enough that a step on the hour stays in its slot. */
export const PROFILE_SLOTS = 96;
const DAY_MS = 86_400_000;
const SLOT_MS = DAY_MS / PROFILE_SLOTS;
/** How far each new day moves a slot's typical value and spread: a changed habit is learnt in days. */
const DAY_WEIGHT = 0.3;
/** Distinct days seen before the profile may judge: two whole days behind the one being judged. */
const DAYS_TO_PROVE = 3;
/** Stored figures keep this many significant digits, so a carried snapshot stays small. */
const DIGITS = 3;

const rounded = (x: number) => Number(x.toPrecision(DIGITS));

/** A daily profile as plain data; a slot never seen is null (JSON has no NaN). */
export interface DailyProfileSnapshot {
  means: (number | null)[];
  spreads: number[];
  residual: [number, number, number];
  slot: number;
  day: number;
  days: number;
  sum: number;
  squares: number;
  count: number;
  judged: number;
  proven: boolean;
}

/**
 * What each quarter of an hour of the day usually looks like, from the points' times: per slot, the
 * day-weighted mean of its values and the spread of the values around it. The detector's seasonal
 * view when the sampling is unknown or a day of points too many to keep (the detection loop's
 * one-minute CPU): about two hundred numbers, whatever the sampling. A slot's spread is its own
 * bar as well as the whole day's, so the minute a daily job starts, inside its slot, is not a
 * surprise every morning.
 */
export class DailyProfile {
  private readonly means = new Float64Array(PROFILE_SLOTS).fill(Number.NaN);
  private readonly spreads = new Float64Array(PROFILE_SLOTS);
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

  constructor(horizon: number) {
    this.residual = new Ewm(horizon);
  }

  /** The point's surprise against its slot, when the series has proved daily (as `Season.observe`). */
  observe(x: number, atMs: number, qualifying: number): { z: number; variance: number } | undefined {
    const day = Math.floor(atMs / DAY_MS);
    const slot = Math.floor((atMs - day * DAY_MS) / SLOT_MS);
    if (slot !== this.slot || day !== this.day) this.fold();
    this.slot = slot;
    if (day !== this.day) this.days++;
    this.day = day;
    let seen: { z: number; variance: number } | undefined;
    const typical = this.means[slot] ?? Number.NaN;
    if (!Number.isNaN(typical)) {
      const change = x - typical;
      if (this.days >= DAYS_TO_PROVE)
        this.proven = stillProven(this.proven, this.residual.variance, qualifying);
      if (this.proven) {
        const variance = Math.max(this.residual.variance, this.spreads[slot] ?? 0);
        const deviation = Math.abs(change - this.residual.mean);
        seen = { z: variance > 0 ? deviation / Math.sqrt(variance) : 50, variance: this.residual.variance };
      }
      this.residual.update(change);
      this.squares += change * change;
      this.judged++;
    }
    this.sum += x;
    this.count++;
    return seen;
  }

  private fold(): void {
    if (this.slot < 0 || this.count === 0) return;
    const mean = this.sum / this.count;
    const before = this.means[this.slot] ?? Number.NaN;
    this.means[this.slot] = rounded(Number.isNaN(before) ? mean : before + DAY_WEIGHT * (mean - before));
    if (this.judged > 0) {
      const spread = this.squares / this.judged;
      const old = this.spreads[this.slot] ?? 0;
      this.spreads[this.slot] = rounded(old === 0 ? spread : old + DAY_WEIGHT * (spread - old));
    }
    this.sum = this.squares = this.count = this.judged = 0;
  }

  save(): DailyProfileSnapshot {
    return {
      means: [...this.means].map((m) => (Number.isNaN(m) ? null : m)),
      spreads: [...this.spreads],
      residual: this.residual.save(),
      slot: this.slot,
      day: this.day,
      days: this.days,
      sum: this.sum,
      squares: this.squares,
      count: this.count,
      judged: this.judged,
      proven: this.proven,
    };
  }

  static load(snapshot: DailyProfileSnapshot, horizon: number): DailyProfile {
    const profile = new DailyProfile(horizon);
    snapshot.means.forEach((m, i) => (profile.means[i] = m ?? Number.NaN));
    snapshot.spreads.forEach((s, i) => (profile.spreads[i] = s));
    profile.residual.load(snapshot.residual);
    profile.slot = snapshot.slot;
    profile.day = snapshot.day;
    profile.days = snapshot.days;
    profile.sum = snapshot.sum;
    profile.squares = snapshot.squares;
    profile.count = snapshot.count;
    profile.judged = snapshot.judged;
    profile.proven = snapshot.proven;
    return profile;
  }
}
