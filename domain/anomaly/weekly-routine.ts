/**
 * Surprises that come back at the same hour of the week: a weekly job (a report on Fridays at six, a
 * backup on Saturday nights) surprises a daily profile every week, because the other days outvote
 * its day. Remembered per hour of the week: whether that hour surprised the detector on each of its
 * last two occurrences. A surprise in an hour (or within an hour of one: a clock change) that
 * surprised it the two weeks before is that routine, not an incident. Two weeks, not one: on a noisy
 * series a surprise a week earlier at the same hour is often chance (on the NAB tweet volumes one
 * week's memory silenced three labelled anomalies). A routine that stops is forgotten in a week.
 */

import { ALPHABET } from './figure-codes';
import { MONDAY, WEEKDAY_NAMES } from './week-days';

const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;
/** Per hour of the week, two bits (last week, the week before): three hours a character. */
const HOURS_PER_CHARACTER = 3;

/**
 * [the current hour since the epoch, 1 if it surprised, the hour before's two bits as they were before
 * this week overwrote them, the week's bits].
 */
export type WeeklyRoutineSnapshot = [number, number, number, string];

const BOTH_WEEKS = 0b11;

/** What a person said about a detection: the service's habit, or a fault. */
export type DetectionVerdict = 'expected' | 'fault';

/** "Fri 18:00" for an hour of the week (0 is the epoch's Thursday 00:00 UTC). */
const hourOfWeekLabel = (at: number) =>
  `${WEEKDAY_NAMES[Math.floor(at / 24)] ?? ''} ${String(at % 24).padStart(2, '0')}:00`;

/** The hour of the week a time falls in, as the routines name it ("Fri 18:00", UTC). */
export const hourOfWeek = (atMs: number) => hourOfWeekLabel(Math.floor(atMs / HOUR_MS) % WEEK_HOURS);

export class WeeklyRoutine {
  /** Per hour of the week: bit 0 its last occurrence surprised, bit 1 the one before did. */
  private readonly weeks = new Uint8Array(WEEK_HOURS);
  private hour = -1;
  private surprisedThisHour = false;
  /** The previous hour's bits as they were before this week's occurrence overwrote them. */
  private previousHourWeeks = 0;

  /** Whether this point's surprise repeats the same hour's of the last two weeks; records it. */
  repeats(atMs: number, surprised: boolean): boolean {
    const hour = Math.floor(atMs / HOUR_MS);
    if (hour !== this.hour) this.startHour(hour);
    if (!surprised) return false;
    this.surprisedThisHour = true;
    const at = hour % WEEK_HOURS;
    return [this.previousHourWeeks, this.weeks[at] ?? 0, this.weeks[(at + 1) % WEEK_HOURS] ?? 0].some(
      (weeks) => weeks === BOTH_WEEKS,
    );
  }

  private startHour(hour: number): void {
    // Read before this week's hour overwrites it, when that hour is the one just ended.
    this.previousHourWeeks = this.weeks[(hour - 1) % WEEK_HOURS] ?? 0;
    if (this.hour >= 0) {
      const at = this.hour % WEEK_HOURS;
      this.weeks[at] = (((this.weeks[at] ?? 0) << 1) & BOTH_WEEKS) | (this.surprisedThisHour ? 1 : 0);
    }
    this.hour = hour;
    this.surprisedThisHour = false;
  }

  /**
   * A person's word on a surprise the detector alarmed at (`atMs`, the incident's opening: at most a
   * scan after the surprise). `expected`: its hour of the week is a routine from now on, without the
   * two weeks of alarms. `fault`: the surprise counts for no routine, at its hour or the one before,
   * so a fault that recurs every week at the same hour goes on alarming while people confirm it.
   */
  judge(atMs: number, verdict: DetectionVerdict): void {
    const hour = Math.floor(atMs / HOUR_MS);
    if (verdict === 'expected') {
      this.weeks[hour % WEEK_HOURS] = BOTH_WEEKS;
      return;
    }
    for (const h of [hour, hour - 1]) {
      this.weeks[h % WEEK_HOURS] = 0;
      if (h === this.hour) this.surprisedThisHour = false;
      if (h === this.hour - 1) this.previousHourWeeks = 0;
    }
  }

  /** The hours of the week that surprised it both weeks before ("Fri 18:00"), in UTC from Monday. */
  routines(): string[] {
    const mondayFirst = (at: number) => (at + WEEK_HOURS - MONDAY * 24) % WEEK_HOURS;
    return [...this.weeks.keys()]
      .filter((at) => this.weeks[at] === BOTH_WEEKS)
      .sort((a, b) => mondayFirst(a) - mondayFirst(b))
      .map(hourOfWeekLabel);
  }

  save(): WeeklyRoutineSnapshot {
    let text = '';
    for (let at = 0; at < WEEK_HOURS; at += HOURS_PER_CHARACTER) {
      let digit = 0;
      for (let h = 0; h < HOURS_PER_CHARACTER; h++) digit = digit * 4 + (this.weeks[at + h] ?? 0);
      text += ALPHABET[digit] ?? '';
    }
    return [this.hour, this.surprisedThisHour ? 1 : 0, this.previousHourWeeks, text];
  }

  static load([hour, surprised, previous, text]: WeeklyRoutineSnapshot): WeeklyRoutine {
    const routine = new WeeklyRoutine();
    routine.hour = hour;
    routine.surprisedThisHour = surprised === 1;
    routine.previousHourWeeks = previous;
    [...text].forEach((character, i) => {
      const digit = ALPHABET.indexOf(character);
      for (let h = 0; h < HOURS_PER_CHARACTER; h++)
        routine.weeks[i * HOURS_PER_CHARACTER + h] =
          (digit >> (2 * (HOURS_PER_CHARACTER - 1 - h))) & BOTH_WEEKS;
    });
    return routine;
  }
}
