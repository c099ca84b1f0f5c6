import { WEEK_DAYS, WeekDays, type DayVerdict } from '../../domain/anomaly/week-days';

/** A nine-to-five week's day levels: five working days at 36.5, a weekend at 20; the swing is 50. */
const SWING = 50;
const level = (weekday: number) => (weekday >= 5 ? 20 : 36.5);
/** The profile's verdict on a nine-to-five day: its weekend is quieter. */
const verdict = (weekday: number): DayVerdict => (weekday >= 5 ? 'quieter' : 'like');

describe('WeekDays', () => {
  test('once every weekday has a level, the odd ones rest from their start and are not learnt', () => {
    const week = new WeekDays();
    for (let d = 0; d < WEEK_DAYS; d++) expect(week.close(d, verdict(d), level(d), SWING)).toBe('go-on');
    expect([...Array(WEEK_DAYS).keys()].map((d) => week.rests(d))).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(week.learnsOn(5)).toBe(false);
    expect(week.learnsOn(0)).toBe(true);
  });

  test('a busier Friday (a tenth of the swing) is not an odd day', () => {
    const week = new WeekDays();
    for (let d = 0; d < WEEK_DAYS; d++) week.close(d, 'like', d === 4 ? 41.5 : 36.5, SWING);
    expect(week.rests(4)).toBe(false);
  });

  test('a profile that learnt from what turn out to be the odd days (started on a Saturday) starts again', () => {
    const week = new WeekDays();
    // Saturday and Sunday taught the young profile; the working days were unlike it.
    expect(week.close(5, 'like', level(5), SWING)).toBe('go-on');
    expect(week.close(6, 'like', level(6), SWING)).toBe('go-on');
    expect(week.close(0, 'busier', level(0), SWING)).toBe('go-on');
    expect(week.close(1, 'busier', level(1), SWING)).toBe('go-on');
    expect(week.close(2, 'busier', level(2), SWING)).toBe('go-on');
    expect(week.close(3, 'like', level(3), SWING)).toBe('go-on');
    expect(week.close(4, 'like', level(4), SWING)).toBe('start-again');
    // Starting again, the weekend rests and the working days are learnt.
    expect(week.rests(5) && week.rests(6)).toBe(true);
    expect([0, 1, 2, 3, 4].every((d) => week.learnsOn(d))).toBe(true);
  });

  test('a weekday unlike the profile last time is judged but not learnt, and rejoins when alike', () => {
    const week = new WeekDays();
    for (let d = 0; d < WEEK_DAYS; d++) week.close(d, verdict(d), level(d), SWING);
    week.close(4, 'quieter', 28, SWING); // a Friday that ended at one: unlike, but not an odd level
    expect(week.rests(4)).toBe(false);
    expect(week.learnsOn(4)).toBe(false);
    week.close(4, 'like', 36.5, SWING);
    expect(week.learnsOn(4)).toBe(true);
    // A busier one (a heavier Friday evening every week) is learnt, so it becomes familiar.
    week.close(4, 'busier', 38, SWING);
    expect(week.rests(4)).toBe(false);
    expect(week.learnsOn(4)).toBe(true);
  });

  test('more than three days unlike the profile: it is out of date and starts again', () => {
    const week = new WeekDays();
    for (let d = 0; d < WEEK_DAYS; d++) week.close(d, verdict(d), level(d), SWING);
    expect(week.close(0, 'busier', 40, SWING)).toBe('go-on');
    expect(week.close(1, 'busier', 40, SWING)).toBe('start-again');
    // The weekend keeps resting by its level while the working days are learnt again.
    expect(week.rests(5)).toBe(true);
    expect(week.learnsOn(0)).toBe(true);
  });

  test('its state round-trips through JSON', () => {
    const week = new WeekDays();
    for (let d = 0; d < WEEK_DAYS; d++) week.close(d, verdict(d), level(d), SWING);
    const copy = new WeekDays();
    copy.load(JSON.parse(JSON.stringify(week.save())));
    expect(copy.save()).toEqual(week.save());
    expect(copy.rests(6)).toBe(true);
    week.close(4, 'busier', 38, SWING);
    copy.load(JSON.parse(JSON.stringify(week.save())));
    expect(copy.save().week).toBe('00002' + '11');
  });
});
