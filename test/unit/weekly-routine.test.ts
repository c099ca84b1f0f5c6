import { WeeklyRoutine } from '../../domain/anomaly/weekly-routine';

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;
/** A Friday, 18:00 UTC. */
const friday = Date.UTC(2024, 0, 5, 18);

/** Feeds one point a minute from `from` for `minutes`, surprised where `surprised` says; the repeats. */
function feed(
  routine: WeeklyRoutine,
  from: number,
  minutes: number,
  surprised: (at: number) => boolean,
): number[] {
  const repeats: number[] = [];
  for (let i = 0; i < minutes; i++) {
    const at = from + i * 60_000;
    if (routine.repeats(at, surprised(at))) repeats.push(at);
  }
  return repeats;
}

describe('weekly routine: surprises that come back at the same hour of the week', () => {
  const inReport = (start: number) => (at: number) => at >= start && at < start + HOUR;

  test('a report every Friday at six surprises its first two Fridays and is a routine from the third', () => {
    const routine = new WeeklyRoutine();
    const fridays = [0, 1, 2, 3].map((week) => friday + week * WEEK);
    const repeated = fridays.map((start) => feed(routine, start - HOUR, 3 * 60, inReport(start)).length > 0);
    // No points between the Fridays: an hour not seen keeps what it last had.
    expect(repeated).toEqual([false, false, true, true]);
    expect(routine.routines()).toEqual(['Fri 18:00']);
  });

  test('two surprises a week apart at the same hour are not enough: chance on a noisy series', () => {
    const routine = new WeeklyRoutine();
    feed(routine, friday, 60, () => true);
    feed(routine, friday + HOUR, 7 * 24 * 60 - 60, () => false);
    expect(feed(routine, friday + WEEK, 60, () => true)).toEqual([]);
  });

  test('a routine an hour later (a clock change) is still the routine; a quiet week forgets it', () => {
    const routine = new WeeklyRoutine();
    for (const week of [0, 1])
      feed(routine, friday + week * WEEK - HOUR, 3 * 60, inReport(friday + week * WEEK));
    const later = friday + 2 * WEEK + HOUR;
    expect(feed(routine, later - HOUR, 3 * 60, inReport(later)).length).toBeGreaterThan(0);
    // A week without the report at either hour, then the report again: a surprise once more.
    feed(routine, friday + 3 * WEEK - HOUR, 3 * 60, () => false);
    const again = friday + 4 * WEEK;
    expect(feed(routine, again - HOUR, 3 * 60, inReport(again))).toEqual([]);
  });

  test("a person's 'expected' makes the hour a routine at once; their 'fault' keeps a weekly fault alarming", () => {
    const fridays = [0, 1, 2, 3].map((week) => friday + week * WEEK);
    // Told 'expected' ten minutes into the first report (its incident opened then): the rest of that
    // report and every later one are the routine; only its first ten minutes alarmed.
    const told = new WeeklyRoutine();
    const toldRepeats = fridays.map((start, week) => {
      const before = feed(told, start - HOUR, 70, inReport(start)).length;
      if (week === 0) told.judge(start + 10 * 60_000, 'expected');
      return [before, feed(told, start + 10 * 60_000, 110, inReport(start)).length];
    });
    expect(toldRepeats).toEqual([
      [0, 50],
      [10, 50],
      [10, 50],
      [10, 50],
    ]);
    expect(told.routines()).toEqual(['Fri 18:00']);

    // A fault at 18:50 every Friday, confirmed each time after the hour ended (opened 19:05): never a routine.
    const inFault = (start: number) => (at: number) => at >= start + 50 * 60_000 && at < start + 70 * 60_000;
    const confirmed = new WeeklyRoutine();
    const alarmedEachWeek = fridays.map((start) => {
      const repeated = feed(confirmed, start - HOUR, 3 * 60, inFault(start)).length > 0;
      confirmed.judge(start + 65 * 60_000, 'fault');
      return repeated;
    });
    expect(alarmedEachWeek).toEqual([false, false, false, false]);
    expect(confirmed.routines()).toEqual([]);
    // Unconfirmed, the same fault is taken for a routine from its third week.
    const unconfirmed = new WeeklyRoutine();
    expect(
      fridays.map((start) => feed(unconfirmed, start - HOUR, 3 * 60, inFault(start)).length > 0),
    ).toEqual([false, false, true, true]);
  });

  test('carried mid-hour through its snapshot it answers as one that never stopped', () => {
    const whole = new WeeklyRoutine();
    let carried = new WeeklyRoutine();
    const surprised = (at: number) => Math.floor(at / HOUR) % 168 === 20 || Math.floor(at / HOUR) % 11 === 3;
    for (let i = 0; i < 4 * 7 * 24 * 6; i++) {
      const at = friday + i * 600_000 + 17;
      if (i % 7 === 0) carried = WeeklyRoutine.load(JSON.parse(JSON.stringify(carried.save())));
      expect(carried.repeats(at, surprised(at))).toBe(whole.repeats(at, surprised(at)));
    }
    expect(carried.save()).toEqual(whole.save());
  });
});
