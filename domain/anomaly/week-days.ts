import type { WeekdayView } from './usual';

/** Days in a week: UTC days of the week, the profile's days are UTC days too. */
export const WEEK_DAYS = 7;
/** By `day % WEEK_DAYS` of days since the epoch, a Thursday. */
export const WEEKDAY_NAMES = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
/** Monday's index in `WEEKDAY_NAMES`: where a week printed for people starts. */
export const MONDAY = WEEKDAY_NAMES.indexOf('Mon');
/** How far each occurrence moves a weekday's level: a holiday is forgotten after a week or two. */
const LEVEL_WEIGHT = 0.5;
/**
 * A weekday whose level (its mean) is this share of the profile's daily swing away from the middle
 * weekday's is a different kind of day: a weekend (a third of the swing for a nine-to-five service) or
 * a holiday, not a busier Friday (a tenth).
 */
const ODD_LEVEL_SHARE = 0.2;
/** Rest days a week may have (a weekend and a holiday); more, and the profile is out of date. */
const MAX_RESTING_DAYS = 3;
const DIGITS = 3;

const rounded = (x: number) => Number(x.toPrecision(DIGITS));

/** How a day went against the profile's slots: like it, or unlike it and mostly below or above it. */
export type DayVerdict = 'like' | 'quieter' | 'busier';
/** A verdict's character in a snapshot's `week`; `-` is a weekday not measured yet. */
const VERDICT_FLAGS: Record<DayVerdict, string> = { like: '0', quieter: '1', busier: '2' };
const verdictOf = (flag: string) =>
  (Object.keys(VERDICT_FLAGS) as DayVerdict[]).find((v) => VERDICT_FLAGS[v] === flag) ?? null;
const isUnlike = (verdict: DayVerdict | null) => verdict === 'quieter' || verdict === 'busier';

export interface WeekDaysSnapshot {
  /**
   * Per weekday, how its last occurrence went against the profile's slots: 0 like, 1 unlike and
   * quieter, 2 unlike and busier, - not measured.
   */
  week: string;
  /** Per weekday, the mean of its values, day-weighted; null until one was seen whole. */
  levels: (number | null)[];
  /** Per weekday, is its level odd among the others' (1/0); absent until every weekday has a level. */
  odd?: string;
}

/** What the profile must do after a day: go on, or start again from the days that are like each other. */
export type AfterDay = 'go-on' | 'start-again';

/**
 * Which days of the week are the profile's kind and which rest (the weekend of a service that works
 * weekdays): from each day's slots while it runs, and from its level once every weekday has one.
 * The level is what tells the kinds apart from any start: a profile that began on a Sunday has learnt
 * a quiet day and finds the working days unlike it, but among seven levels the odd ones are the
 * weekend's.
 */
export class WeekDays {
  /** Per weekday, how its last occurrence went against the profile; null until measured. */
  private readonly verdicts: (DayVerdict | null)[] = new Array<DayVerdict | null>(WEEK_DAYS).fill(null);
  private readonly levels: (number | null)[] = new Array<number | null>(WEEK_DAYS).fill(null);
  private odd: boolean[] | undefined;

  /**
   * Whether the profile leaves this weekday to the plain view from its start: an odd level once the
   * levels are known (a weekday's load on a Sunday is then an anomaly), before that a last occurrence
   * unlike the profile. Any other day rests only if it turns unlike while it runs.
   */
  rests(weekday: number): boolean {
    return this.odd ? this.isOdd(weekday) : isUnlike(this.verdicts[weekday] ?? null);
  }

  /** Which weekdays are odd, as in a snapshot's `odd`; undefined until every weekday has a level. */
  oddFlags(): string | undefined {
    return this.odd?.map((o) => (o ? '1' : '0')).join('');
  }

  /** Whether this weekday's level is odd among the others' (once every weekday has one). */
  isOdd(weekday: number): boolean {
    return this.odd?.[weekday] === true;
  }

  /**
   * Whether the profile learns from this weekday: not when its last occurrence was unlike it and
   * quieter. Such a day (a Friday that ends at one, the weekday after a holiday) is still judged by
   * the profile where it is alike, and measured, so it rejoins once it is like the others again;
   * keeping it out keeps a quiet holiday next week an anomaly. A busier one is learnt (clipped), so a
   * weekend evening that is always busier than the weekdays' becomes familiar.
   */
  learnsOn(weekday: number): boolean {
    return this.verdicts[weekday] !== 'quieter' && !this.rests(weekday);
  }

  /**
   * The day that ended: its `verdict` when its slots were measured, its `level` when it was seen
   * whole, and the profile's daily swing (its highest slot mean less its lowest) to judge levels by.
   */
  close(
    weekday: number,
    verdict: DayVerdict | undefined,
    level: number | undefined,
    swing: number,
  ): AfterDay {
    if (verdict !== undefined) this.verdicts[weekday] = verdict;
    if (level !== undefined) {
      const before = this.levels[weekday];
      this.levels[weekday] = rounded(before == null ? level : before + LEVEL_WEIGHT * (level - before));
    }
    const known = this.levels.filter((l): l is number => l !== null);
    if (known.length < WEEK_DAYS || !(swing > 0)) return this.outOfDate() ? this.forgetUnlike() : 'go-on';
    const middle = [...known].sort((a, b) => a - b)[WEEK_DAYS >> 1] ?? 0;
    const first = this.odd === undefined;
    this.odd = known.map((l) => Math.abs(l - middle) > ODD_LEVEL_SHARE * swing);
    // The first time the kinds are known, a profile that learnt from the odd ones (found them like it)
    // starts again.
    const learntOdd = this.odd.some((odd, day) => odd && this.verdicts[day] === 'like');
    if ((first && learntOdd) || this.outOfDate()) return this.forgetUnlike();
    return 'go-on';
  }

  private outOfDate(): boolean {
    return this.verdicts.filter(isUnlike).length > MAX_RESTING_DAYS;
  }

  private forgetUnlike(): AfterDay {
    this.verdicts.fill(null);
    return 'start-again';
  }

  /** Per weekday from Monday (the epoch's day 0 was a Thursday, index 0 here). */
  describe(): WeekdayView[] {
    return WEEKDAY_NAMES.map((_, n) => (MONDAY + n) % WEEK_DAYS).map((i) => ({
      day: WEEKDAY_NAMES[i] ?? '',
      verdict: this.verdicts[i] ?? null,
      level: this.levels[i] ?? null,
      odd: this.isOdd(i),
    }));
  }

  save(): WeekDaysSnapshot {
    return {
      week: this.verdicts.map((v) => (v === null ? '-' : VERDICT_FLAGS[v])).join(''),
      levels: [...this.levels],
      ...(this.odd ? { odd: this.oddFlags() } : {}),
    };
  }

  load(snapshot: WeekDaysSnapshot | undefined): void {
    if (!snapshot) return;
    [...snapshot.week].forEach((flag, i) => (this.verdicts[i] = verdictOf(flag)));
    snapshot.levels.forEach((l, i) => (this.levels[i] = l));
    this.odd = snapshot.odd === undefined ? undefined : [...snapshot.odd].map((o) => o === '1');
  }
}
