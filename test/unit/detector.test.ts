import { parsePointsCsv, parseTimestampMs } from '../../domain/anomaly/csv';
import { pointsPerDayFrom, StreamingDetector, type DetectorResult } from '../../domain/anomaly/detector';
import { decodeCounts, decodeFigures, MEAN_FIGURES, SPREAD_FIGURES } from '../../domain/anomaly/figure-codes';
import type { Usual } from '../../domain/anomaly/usual';

/** A seeded generator, so the noise is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (1664525 * state + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function noisy(n: number, seed = 7): number[] {
  const random = lcg(seed);
  return Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / 20) + (random() - 0.5) * 4);
}

const run = (values: number[]) => {
  const detector = new StreamingDetector();
  return values.map((v) => detector.update(v));
};

describe('StreamingDetector', () => {
  test('a spike far outside the usual range is flagged at the spike', () => {
    const values = noisy(2000);
    values[1500] = 400;
    const results = run(values);
    expect(results[1500]?.isAnomaly).toBe(true);
    expect(results[1500]?.score).toBeGreaterThanOrEqual(0.5);
  });

  test('a level shift is flagged within a few points', () => {
    const values = noisy(2000).map((v, i) => (i >= 1200 ? v + 80 : v));
    const flagged = run(values).findIndex((r, i) => i >= 1200 && r.isAnomaly);
    expect(flagged).toBeGreaterThanOrEqual(1200);
    expect(flagged).toBeLessThan(1205);
  });

  test('a steady series raises few or no alarms', () => {
    const alarms = run(noisy(5000, 11)).filter((r) => r.isAnomaly).length;
    expect(alarms).toBeLessThanOrEqual(3);
  });

  test('scores are in [0, 1] and nothing is flagged during warm-up', () => {
    const results = run([1, 1000, -1000, NaN, 5, ...noisy(300)]);
    for (const r of results) expect(r.score >= 0 && r.score <= 1).toBe(true);
    expect(results.slice(0, 150).some((r) => r.isAnomaly)).toBe(false);
  });

  test('after an alarm it stays quiet for the refractory period', () => {
    const values = noisy(2000);
    values[1000] = 400;
    values[1050] = -400;
    const results = run(values);
    expect(results[1000]?.isAnomaly).toBe(true);
    expect(results[1050]?.isAnomaly).toBe(false);
  });

  test('the reported score is 0 while it cannot alarm, so a threshold on the score column counts one alarm', () => {
    const values = noisy(2000);
    values[100] = 400;
    values[1000] = 400;
    values[1050] = -400;
    const results = run(values);
    // Warm-up and the quiet period after an alarm: as surprising as ever, reported as 0.
    expect(results[100]?.rawScore).toBeGreaterThanOrEqual(0.5);
    expect(results[1050]?.rawScore).toBeGreaterThan(0.4);
    expect(results[100]?.score).toBe(0);
    expect(results[1050]?.score).toBe(0);
    expect(results.map((r) => r.score >= 0.5)).toEqual(results.map((r) => r.isAnomaly));
  });

  test('its state does not grow with the stream', () => {
    const detector = new StreamingDetector();
    // How many numbers it keeps (their digits may change; their count may not), and how many
    // counts its text holds.
    const numbers = () =>
      JSON.stringify(detector.snapshot())
        .replace(/"[^"]*"/g, '""')
        .match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)?.length;
    const counts = () => decodeCounts(detector.snapshot().levels?.countFigures ?? '');
    noisy(1000).forEach((v) => detector.update(v));
    const before = numbers();
    expect(counts()).toHaveLength(64);
    noisy(50_000).forEach((v) => detector.update(v));
    expect(numbers()).toBe(before);
    // The transition counts are halved, not left to grow without end.
    expect(counts()).toHaveLength(64);
    expect(Math.max(...counts())).toBeLessThanOrEqual(10_000);
  });

  test('a jump to a level never visited is an anomaly even when past spikes have inflated the variance', () => {
    const random = lcg(3);
    // Travel times around 100 with a 30-point spike to 2 000 every 300 points, then a stay at 1 000:
    // a level between the usual one and the spikes, never visited before. Its surprise alone
    // (streaming-detector-3) scored 0.34 there: the spikes had inflated the variance and the bar.
    const values = Array.from({ length: 4000 }, (_, i) =>
      i % 300 < 30 && i < 3400 ? 2000 + 200 * random() : 100 + 20 * random(),
    );
    for (let i = 3500; i < 3560; i++) values[i] = 1000 + 20 * random();
    const detector = new StreamingDetector();
    const results = values.map((v) => detector.update(v));
    const alarms = results.flatMap((r, i) => (r.isAnomaly && i >= 3400 ? [i] : []));
    expect(alarms).toEqual([3500]);
    expect(results[3500]?.score).toBeGreaterThan(0.8);
  });
});

describe('StreamingDetector with a daily season', () => {
  const perDay = 96;
  /** A daily square wave: busy from 8 to 18 h, quiet otherwise, with a little noise. */
  const dailyWave = (days: number) => {
    const random = lcg(11);
    return Array.from({ length: days * perDay }, (_, i) => {
      const hour = ((i % perDay) * 24) / perDay;
      return (hour >= 8 && hour < 18 ? 80 : 20) + (random() - 0.5);
    });
  };
  const run = (values: number[], pointsPerDay?: number) => {
    const detector = new StreamingDetector(undefined, { pointsPerDay });
    return values.map((v) => detector.update(v));
  };
  const alarms = (values: number[], pointsPerDay?: number) =>
    run(values, pointsPerDay)
      .map((r, i) => (r.isAnomaly ? i : -1))
      .filter((i) => i >= 0);

  test('the daily edges of a busy/quiet pattern stop looking surprising once the season is known', () => {
    const values = dailyWave(20);
    const edge = 15 * perDay + (8 * perDay) / 24;
    const plain = run(values)[edge]?.rawScore ?? 0;
    const seasonal = run(values, perDay)[edge]?.rawScore ?? 1;
    expect(seasonal).toBeLessThan(plain / 2);
    expect(alarms(values, perDay).filter((i) => i >= 3 * perDay)).toEqual([]);
  });

  test('a spike in a seasonal series is still an anomaly', () => {
    const values = dailyWave(20);
    values[15 * perDay + 30] = 400;
    expect(alarms(values, perDay)).toContain(15 * perDay + 30);
  });

  test("an odd day is one alarm, not another at the next day's edges: the season keeps its proof", () => {
    const fiveMinutes = 288;
    const random = lcg(11);
    // Busy 8 to 18 h (noisier when busy), quiet otherwise; day 12 is busy at half the usual rise.
    const values = Array.from({ length: 20 * fiveMinutes }, (_, i) => {
      const hour = ((i % fiveMinutes) * 24) / fiveMinutes;
      const busy = hour >= 8 && hour < 18;
      const odd = busy && Math.floor(i / fiveMinutes) === 12;
      return busy ? (odd ? 40 : 80) + 10 * (random() - 0.5) : 20 + 2 * (random() - 0.5);
    });
    const start = 12 * fiveMinutes + (8 * fiveMinutes) / 24;
    const found = alarms(values, fiveMinutes).filter((i) => i >= start && i < start + 2 * fiveMinutes);
    expect(found).toEqual([start]);
  });

  test('with a weekly pattern, a weekday that goes as quiet as a Sunday is an anomaly, and weekends are not', () => {
    const random = lcg(5);
    // Busy 8 to 18 h on weekdays; the weekend stays quiet all day.
    const weekly = Array.from({ length: 5 * 7 * perDay }, (_, i) => {
      const hour = ((i % perDay) * 24) / perDay;
      const weekday = Math.floor(i / perDay) % 7 < 5;
      return (weekday && hour >= 8 && hour < 18 ? 80 : 20) + (random() - 0.5);
    });
    const outage = (3 * 7 + 2) * perDay; // the fourth week's Wednesday
    for (let i = outage; i < outage + perDay; i++) weekly[i] = 20 + (random() - 0.5);
    const found = alarms(weekly, perDay).filter((i) => i >= 2 * 7 * perDay);
    expect(found.some((i) => i >= outage && i < outage + perDay)).toBe(true);
    expect(found.filter((i) => i < outage || i >= outage + 2 * perDay)).toEqual([]);
  });

  test('hourly data is quiet for a day after an alarm, not for 150 hours', () => {
    const random = lcg(3);
    const hourly = Array.from({ length: 600 }, () => 10 + 10 * random());
    hourly[300] = 60;
    hourly[348] = 120; // two days later, and larger
    expect(alarms(hourly, 24)).toEqual(expect.arrayContaining([300, 348]));
    expect(alarms(hourly).filter((i) => i === 348)).toEqual([]);
  });

  describe('a gap in the series (an agent down, an instance stopped)', () => {
    const fiveMinutes = 288;
    const minutes5 = 300_000;
    /** Ten days of a daily square wave at 5-minute sampling, with 8 h 20 min of rows left out on day 5. */
    const gappy = () => {
      const random = lcg(13);
      const rows = Array.from({ length: 10 * fiveMinutes }, (_, i) => {
        const hour = ((i % fiveMinutes) * 24) / fiveMinutes;
        return { at: i * minutes5, value: (hour >= 8 && hour < 18 ? 80 : 20) + (random() - 0.5) };
      });
      const cut = 5 * fiveMinutes + 50;
      return rows.filter((_, i) => i < cut || i >= cut + 100);
    };
    const alarmsAfter = (feed: (d: StreamingDetector, row: { at: number; value: number }) => boolean) => {
      const detector = new StreamingDetector(undefined, { pointsPerDay: fiveMinutes });
      return gappy()
        .filter((row) => feed(detector, row))
        .map((row) => row.at / minutes5);
    };

    test('keeps the season aligned to the clock: no alarm at each later day edge', () => {
      expect(alarmsAfter((d, row) => d.updateAt(row.value, row.at).isAnomaly)).toEqual([]);
      // Counting rows instead of time shifts every later day by the gap: its edges then alarm.
      expect(alarmsAfter((d, row) => d.update(row.value).isAnomaly).length).toBeGreaterThan(2);
    });

    test('the quiet period after an alarm is time: a spike after a gap longer than it is flagged', () => {
      // Hourly: quiet for a day (24 points) after an alarm; 29 hours of rows are missing after it.
      const hours = Array.from({ length: 400 }, (_, i) => i).filter((i) => i < 301 || i >= 330);
      const flagged = (feed: (d: StreamingDetector, value: number, at: number) => DetectorResult) => {
        const random = lcg(3);
        const detector = new StreamingDetector(undefined, { pointsPerDay: 24 });
        return hours.filter((i) => {
          const value = i === 300 ? 100 : i === 330 ? 400 : 10 + 10 * random();
          return feed(detector, value, i * 3_600_000).isAnomaly;
        });
      };
      expect(flagged((d, value, at) => d.updateAt(value, at))).toEqual([300, 330]);
      // Counted in rows, 330 would be only the second point after the alarm.
      expect(flagged((d, value) => d.update(value))).toEqual([300]);
    });

    test('without a known sampling, the quiet period still ends a day after the alarm, carried or not', () => {
      const hour = 3_600_000;
      const value = (i: number, random: () => number) =>
        i === 300 ? 100 : i === 330 ? 400 : 10 + 10 * random();
      const flagged = (feed: (d: StreamingDetector, value: number, i: number) => DetectorResult) => {
        const random = lcg(3);
        let detector = new StreamingDetector();
        return Array.from({ length: 400 }, (_, i) => i).filter((i) => {
          // Carried across a poll in the middle of the quiet period, as the detection loop does.
          if (i === 310) detector = StreamingDetector.restore(detector.snapshot());
          return feed(detector, value(i, random), i).isAnomaly;
        });
      };
      expect(flagged((d, v, i) => d.updateAt(v, i * hour))).toEqual([300, 330]);
      // Counted in points alone, 330 is 30 of the 150 after the alarm.
      expect(flagged((d, v) => d.update(v))).toEqual([300]);
    });

    test('a snapshot carries the clock end of the quiet period only while the period lasts', () => {
      const detector = new StreamingDetector();
      const random = lcg(3);
      const feedTo = (end: number, from: number) => {
        for (let i = from; i < end; i++) detector.updateAt(i === 300 ? 100 : 10 + 10 * random(), i * 60_000);
      };
      feedTo(301, 0);
      expect(detector.snapshot().quietUntilMs).toBe(300 * 60_000 + 86_400_000);
      feedTo(451, 301);
      expect(detector.snapshot().quietUntilMs).toBeUndefined();
    });

    test('without a known sampling, a series with no daily habit is judged as without times', () => {
      const timed = new StreamingDetector();
      const plain = new StreamingDetector();
      noisy(5000).forEach((value, i) => {
        expect(timed.updateAt(value, Date.UTC(2024, 0, 1) + i * 60_000)).toEqual(plain.update(value));
      });
    });
  });

  describe('a daily profile from the points’ times, when the sampling is unknown (the detection loop)', () => {
    const minute = 60_000;
    const start = Date.UTC(2024, 0, 1);
    /**
     * One-minute CPU from a Monday: 20 % at night, `busy` % from 09:05 to 17:00 (a step, not a ramp)
     * on working days; two weeks of every day working unless told otherwise.
     */
    const workingHours = (
      odd: (day: number, minuteOfDay: number) => number | undefined = () => undefined,
      {
        days = 14,
        works = () => true,
        busy = () => 70,
      }: { days?: number; works?: (day: number) => boolean; busy?: (day: number) => number } = {},
    ) => {
      const random = lcg(5);
      return Array.from({ length: days * 1440 }, (_, i) => {
        const day = Math.floor(i / 1440);
        const m = i % 1440;
        const usual = (works(day) && m >= 545 && m < 1020 ? busy(day) : 20) + 4 * (random() - 0.5);
        return odd(day, m) ?? usual;
      });
    };
    const weekdays = (day: number) => day % 7 < 5;
    const alarmDays = (
      values: number[],
      feed: (d: StreamingDetector, v: number, at: number) => DetectorResult,
    ) => {
      const detector = new StreamingDetector();
      return values.flatMap((v, i) => (feed(detector, v, start + i * minute).isAnomaly ? [i / 1440] : []));
    };
    /** What opens an incident in the detection loop: anomalous rises (a missing morning step is a fall). */
    const riseDays = (values: number[]) => {
      const detector = new StreamingDetector();
      return values.flatMap((v, i) => {
        const result = detector.updateAt(v, start + i * minute);
        return result.isAnomaly && result.above ? [i / 1440] : [];
      });
    };

    test('a step that comes every morning stops being an anomaly once two days are known', () => {
      const plain = alarmDays(workingHours(), (d, v) => d.update(v));
      const profiled = alarmDays(workingHours(), (d, v, at) => d.updateAt(v, at));
      // Counting points alone, the morning step alarms nearly every day.
      expect(plain.filter((day) => day >= 3).length).toBeGreaterThanOrEqual(8);
      expect(profiled.filter((day) => day >= 3)).toEqual([]);
    });

    test('what is odd for the time of day is still an anomaly: a pegged afternoon, a surge at night', () => {
      const values = workingHours((day, m) =>
        day === 10 && m >= 840 && m < 900 ? 95 : day === 12 && m >= 180 && m < 240 ? 60 : undefined,
      );
      const usual: Usual[] = [];
      const found = alarmDays(values, (d, v, at) => {
        const result = d.updateAt(v, at);
        if (result.usual && at >= start + 3 * 1440 * minute) usual.push(result.usual);
        return result;
      }).filter((day) => day >= 3);
      expect(found.map((day) => Math.round(day * 1440))).toEqual([10 * 1440 + 840, 12 * 1440 + 180]);
      // What each was unusual against: the afternoon's 70 % and the night's 20 %, by the time of day.
      expect(usual.map((u) => [u.basis, Math.round(u.value / 10) * 10])).toEqual([
        ['time of day', 70],
        ['time of day', 20],
      ]);
    });

    test('weekends of a service that works weekdays rest: Monday morning is as familiar as Tuesday’s', () => {
      const values = workingHours(undefined, { days: 28, works: weekdays });
      const plain = alarmDays(values, (d, v) => d.update(v));
      expect(plain.filter((day) => day >= 3).length).toBeGreaterThanOrEqual(15);
      expect(riseDays(values).filter((day) => day >= 3)).toEqual([]);
    });

    test('a rest day with no routine of its own is judged by the plain view: a weekday’s load on a Sunday is an anomaly', () => {
      const values = workingHours(
        (day, m) =>
          day === 17 && m >= 840 && m < 900 ? 95 : day === 20 && m >= 600 && m < 660 ? 70 : undefined,
        { days: 28, works: weekdays },
      );
      const found = riseDays(values).filter((day) => day >= 3);
      expect(found.map((day) => Math.round(day * 1440))).toEqual([17 * 1440 + 840, 20 * 1440 + 600]);
    });

    test('a holiday rests from the hour it turns unlike; the next Wednesday is judged, not learnt, then rejoins', () => {
      const holiday = 16; // the third Wednesday
      const values = workingHours(undefined, { days: 35, works: (day) => weekdays(day) && day !== holiday });
      expect(riseDays(values).filter((day) => day >= 3)).toEqual([]);
      const detector = new StreamingDetector();
      const wednesday = (day: number) => (Math.floor(start / 86_400_000) + day) % 7;
      // Through the first point of the Thursday after the next Wednesday, which closes that Wednesday.
      values.slice(0, (holiday + 8) * 1440 + 1).forEach((v, i) => detector.updateAt(v, start + i * minute));
      expect(detector.snapshot().profile?.weekDays?.week[wednesday(holiday)]).toBe('0');
    });

    test('whichever day and hour the monitor starts, the weekend is known for the odd kind within two weeks', () => {
      const startsAt = [0, 3, 4, 5, 6].flatMap((day) => [day * 1440, day * 1440 + 720]);
      const lateRises = startsAt.map((offset) => {
        const detector = new StreamingDetector();
        const random = lcg(5);
        let rises = 0;
        for (let i = 0; i < 28 * 1440; i++) {
          const t = offset + i;
          const m = t % 1440;
          const busy = weekdays(Math.floor(t / 1440)) && m >= 545 && m < 1020;
          const result = detector.updateAt((busy ? 70 : 20) + 4 * (random() - 0.5), start + t * minute);
          if (i >= 14 * 1440 && result.isAnomaly && result.above) rises++;
        }
        return rises;
      });
      expect(lateRises).toEqual(startsAt.map(() => 0));
    });

    test('a weekend that is busier than the working days (same hours, more load) becomes familiar', () => {
      const values = workingHours(undefined, { days: 35, busy: (day) => (weekdays(day) ? 70 : 85) });
      expect(riseDays(values).filter((day) => day >= 14)).toEqual([]);
    });

    test('a service busy only at weekends: its weekends get a profile of their own and are familiar from the third', () => {
      const values = workingHours(undefined, { days: 35, works: (day) => !weekdays(day) });
      expect(riseDays(values).filter((day) => day >= 14)).toEqual([]);
    });

    test('a weekend routine (a 02:00 backup) is learnt by the odd days’ profile; a Sunday surge still alarms', () => {
      const sundaySurge = 27 * 1440 + 840;
      const values = workingHours(
        (day, m) =>
          day * 1440 + m >= sundaySurge && day * 1440 + m < sundaySurge + 60
            ? 90
            : !weekdays(day) && m >= 120 && m < 180
              ? 85
              : undefined,
        { days: 35, works: weekdays },
      );
      const detector = new StreamingDetector();
      const rises = values.flatMap((v, i) => {
        const result = detector.updateAt(v, start + i * minute);
        return result.isAnomaly && result.above && i >= 14 * 1440 ? [{ at: i, usual: result.usual }] : [];
      });
      expect(rises.map((r) => r.at)).toEqual([sundaySurge]);
      // What the operator is told: a Sunday afternoon is usually at the night's 20 %.
      expect(rises[0]?.usual?.basis).toBe('hour of its odd days');
      expect(Math.abs((rises[0]?.usual?.value ?? 0) - 20)).toBeLessThan(3);
    });

    test('a weekly job (Mondays 03:00-04:00) neither disproves the profile nor blinds it to a pegged afternoon', () => {
      const pegged = 23 * 1440 + 840; // a Wednesday, 14:00
      const values = workingHours(
        (day, m) =>
          day * 1440 + m >= pegged && day * 1440 + m < pegged + 60
            ? 95
            : day % 7 === 0 && m >= 180 && m < 240
              ? 85
              : undefined,
        { days: 35, works: weekdays },
      );
      // Before, the job's hour multiplied the day's residual: the profile lost its proof and the next
      // two mornings alarmed every week (or, kept, it missed the afternoon).
      const found = riseDays(values).filter((day) => day >= 14);
      expect(found.map((day) => Math.round(day * 1440))).toEqual([pegged]);
    });

    test('a Friday that ends at one is judged by the profile where it is alike, and not learnt from', () => {
      const values = workingHours((day, m) => (day % 7 === 4 && m >= 780 && m < 1020 ? 20 : undefined), {
        days: 35,
        works: weekdays,
      });
      expect(riseDays(values).filter((day) => day >= 3)).toEqual([]);
    });

    test('a local nine-to-five through a clock change: no incident, the profile moves by the hour', () => {
      // From day 21 the working day starts and ends an hour earlier in UTC (or later, in autumn).
      for (const hour of [-60, 60]) {
        const values = workingHours(
          (day, m) => {
            if (day < 21 || !weekdays(day)) return undefined;
            const busy = m >= 545 + hour && m < 1020 + hour;
            return busy ? 70 + (m % 7) / 7 : 20 + (m % 5) / 5;
          },
          { days: 35, works: weekdays },
        );
        expect(riseDays(values).filter((day) => day >= 3)).toEqual([]);
        // Moved by the hour at the first changed day's end, not dragged there a day at a time: a week
        // on, the profile's residual spread is what it was before the change.
        const detector = new StreamingDetector();
        let fed = 0;
        const residualAt = (day: number) => {
          for (; fed <= day * 1440; fed++) detector.updateAt(values[fed] ?? 0, start + fed * minute);
          return detector.snapshot().profile?.residual[1] ?? Number.NaN;
        };
        const before = residualAt(21);
        expect(residualAt(28)).toBeLessThan(1.5 * before);
        expect(detector.snapshot().profile?.proven).toBe(true);
      }
    });

    test('load two hours before its usual time is still an anomaly; an hour is within the tolerance', () => {
      const early = (minutes: number) =>
        workingHours(
          (day, m) => (day === 23 ? (m >= 545 - minutes && m < 1020 - minutes ? 70 : 20) : undefined),
          { days: 28, works: weekdays },
        );
      expect(
        riseDays(early(120))
          .filter((day) => day >= 3)
          .map((day) => Math.floor(day)),
      ).toEqual([23]);
      expect(riseDays(early(60)).filter((day) => day >= 3)).toEqual([]);
    });

    test('hourly points get no hour of tolerance: the usual noon peak repeated at one is an anomaly', () => {
      const hour = 3_600_000;
      const random = lcg(3);
      const detector = new StreamingDetector();
      const found = Array.from({ length: 20 * 24 }, (_, i) => {
        const h = i % 24;
        const odd = i === 15 * 24 + 13;
        const value = (h === 12 || odd ? 100 : 20) + 2 * random();
        return detector.updateAt(value, start + i * hour).isAnomaly ? [i] : [];
      }).flat();
      expect(found.filter((i) => i >= 5 * 24)).toEqual([15 * 24 + 13]);
    });

    test('a habit that changes on every working day is learnt again, not rested from', () => {
      const values = workingHours(undefined, {
        days: 35,
        works: weekdays,
        busy: (day) => (day >= 14 ? 90 : 70),
      });
      expect(riseDays(values).filter((day) => day >= 21)).toEqual([]);
    });

    test('a profile carried from before rest days (no weekdays, no day tally) goes on judging', () => {
      const values = workingHours(undefined, { days: 8 });
      const whole = new StreamingDetector();
      values.slice(0, 6 * 1440).forEach((v, i) => whole.updateAt(v, start + i * minute));
      const snapshot = whole.snapshot();
      if (snapshot.profile) {
        delete snapshot.profile.weekDays;
        delete snapshot.profile.today;
      }
      const carried = StreamingDetector.restore(JSON.parse(JSON.stringify(snapshot)));
      const rises = values
        .slice(6 * 1440)
        .filter((v, i) => carried.updateAt(v, start + (6 * 1440 + i) * minute).isAnomaly);
      expect(rises).toEqual([]);
      expect(carried.snapshot().profile?.weekDays?.week).toHaveLength(7);
    });

    test('a profile carried as numbers (before figures) judges as one carried as figures', () => {
      const values = workingHours(undefined, { days: 9, works: weekdays });
      const whole = new StreamingDetector();
      values.slice(0, 7 * 1440).forEach((v, i) => whole.updateAt(v, start + i * minute));
      const snapshot = JSON.parse(JSON.stringify(whole.snapshot())) as ReturnType<typeof whole.snapshot>;
      const profile = snapshot.profile;
      expect(decodeFigures(profile?.meanFigures ?? '', MEAN_FIGURES)).toHaveLength(96);
      expect(decodeFigures(profile?.spreadFigures ?? '', SPREAD_FIGURES)).toHaveLength(96);
      const legacy = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot;
      if (profile && legacy.profile) {
        legacy.profile.means = decodeFigures(profile.meanFigures ?? '', MEAN_FIGURES).map((m) =>
          Number.isNaN(m) ? null : m,
        );
        legacy.profile.spreads = decodeFigures(profile.spreadFigures ?? '', SPREAD_FIGURES);
        delete legacy.profile.meanFigures;
        delete legacy.profile.spreadFigures;
      }
      const fromFigures = StreamingDetector.restore(snapshot);
      const fromNumbers = StreamingDetector.restore(legacy);
      expect(fromNumbers.snapshot()).toEqual(fromFigures.snapshot());
      values.slice(7 * 1440).forEach((v, i) => {
        const at = start + (7 * 1440 + i) * minute;
        expect(fromNumbers.updateAt(v, at)).toEqual(fromFigures.updateAt(v, at));
      });
    });

    test("a person's 'fault' holds the daily profile's learning for an hour, carried in the snapshot", () => {
      const values = workingHours(undefined, { days: 8 });
      const twins = [new StreamingDetector(), new StreamingDetector()];
      for (const d of twins) values.forEach((v, i) => d.updateAt(v, start + i * minute));
      // Day 8, 14:00-15:00 pegged at 95 %; the second twin is told at once that it is a fault.
      const fault = start + 8 * 1440 * minute + 14 * 60 * minute;
      twins[1]?.judgeDetection(fault, 'fault');
      expect(twins[1]?.snapshot().faultHeldUntil).toBe(fault + 60 * minute);
      let carried = twins[1] ?? new StreamingDetector();
      for (let m = 0; m < 90; m++) {
        twins[0]?.updateAt(m < 60 ? 95 : 70, fault + m * minute);
        carried = StreamingDetector.restore(JSON.parse(JSON.stringify(carried.snapshot())));
        carried.updateAt(m < 60 ? 95 : 70, fault + m * minute);
      }
      const usualAt14 = (d: StreamingDetector | undefined) => d?.describe().profile?.hours[14]?.value ?? NaN;
      const before = new StreamingDetector();
      values.forEach((v, i) => before.updateAt(v, start + i * minute));
      // Unheld, the pegged hour moved the profile's 14:00; held, it is as it was before the fault.
      expect(usualAt14(twins[0])).toBeGreaterThan(usualAt14(before) + 1);
      expect(usualAt14(carried)).toBeCloseTo(usualAt14(before), 6);
      // The hold ends with its hour: nothing of it is carried after.
      expect(carried.snapshot().faultHeldUntil).toBeUndefined();
    });

    test('a verdict on a carried snapshot changes its weekly routine and hold, and nothing else', () => {
      const values = workingHours(undefined, { days: 8 });
      const detector = new StreamingDetector();
      values.forEach((v, i) => detector.updateAt(v, start + i * minute));
      const snapshot = JSON.parse(JSON.stringify(detector.snapshot({ withLevels: false }))) as ReturnType<
        typeof detector.snapshot
      >;
      const at = start + 7 * 1440 * minute + 18 * 60 * minute;
      const expected = StreamingDetector.judgedSnapshot(snapshot, at, 'expected');
      const { weekly, ...rest } = expected;
      expect(rest).toEqual({ ...snapshot, weekly: undefined, levels: undefined } as unknown as typeof rest);
      expect(StreamingDetector.restore(expected).describe().weeklyRoutines).toEqual(['Mon 18:00']);
      expect(weekly).not.toEqual(snapshot.weekly);
      const {
        weekly: clearedWeekly,
        faultHeldUntil,
        ...faultRest
      } = StreamingDetector.judgedSnapshot(expected, at, 'fault');
      expect(faultRest).toEqual(rest);
      expect(faultHeldUntil).toBe(at + 60 * minute);
      expect(clearedWeekly).toBeDefined();
      expect(
        StreamingDetector.restore({
          ...snapshot,
          ...(clearedWeekly ? { weekly: clearedWeekly } : {}),
        }).describe().weeklyRoutines,
      ).toEqual([]);
    });

    test('carried between polls it judges as in one pass, in under 2 kB of JSON', () => {
      const values = workingHours(undefined, { days: 16, works: weekdays });
      const whole = new StreamingDetector();
      let polled = new StreamingDetector();
      values.forEach((v, i) => {
        const at = start + i * minute;
        if (i % 97 === 0) polled = StreamingDetector.restore(JSON.parse(JSON.stringify(polled.snapshot())));
        expect(polled.updateAt(v, at)).toEqual(whole.updateAt(v, at));
      });
      expect(JSON.stringify(whole.snapshot()).length).toBeLessThan(2048);
      expect(whole.snapshot().profile).toBeDefined();
      expect(whole.snapshot({ withProfile: false }).profile).toBeUndefined();
    });
  });

  test('points per day come from the typical interval at the start of the series', () => {
    expect(pointsPerDayFrom([0, 300_000])).toBe(288);
    expect(pointsPerDayFrom([0, 3_600_000])).toBe(24);
    expect(pointsPerDayFrom([5, 5])).toBeUndefined();
    expect(pointsPerDayFrom([0])).toBeUndefined();
    const fiveMinutes = Array.from({ length: 200 }, (_, i) => i * 300_000);
    // A missing point and a repeated row at the start, then a gap of hours later on.
    const gappy = [
      0,
      600_000,
      600_000,
      ...fiveMinutes.slice(3, 100),
      ...fiveMinutes.slice(100).map((t) => t + 6 * 3_600_000),
    ];
    expect(pointsPerDayFrom(gappy)).toBe(288);
    // Only the start is read: what the series does afterwards cannot change the day.
    expect(
      pointsPerDayFrom([
        ...fiveMinutes.slice(0, 65),
        ...Array.from({ length: 500 }, (_, i) => 1e9 + i * 3_600_000),
      ]),
    ).toBe(288);
  });
});

describe('parsePointsCsv', () => {
  test('reads timestamp,value with or without a header', () => {
    expect(parsePointsCsv('timestamp,value\n2014-01-01 00:00:00,1.5\n')).toEqual([
      { timestamp: '2014-01-01 00:00:00', value: 1.5 },
    ]);
    expect(parsePointsCsv('2014-01-01 00:00:00,2')).toHaveLength(1);
  });

  test('double-quoted fields, as Grafana and spreadsheets export them, read as the plain ones', () => {
    const quoted = '"Time","Value"\n"2024-01-01 00:00:00","12.5"\n"2024-01-01 00:05:00", "13"\n';
    expect(parsePointsCsv(quoted)).toEqual(
      parsePointsCsv('2024-01-01 00:00:00,12.5\n2024-01-01 00:05:00,13\n'),
    );
    expect(() => parsePointsCsv('"2024-01-01 00:00:00","twelve"\n"2024-01-01 00:05:00","x"\n')).toThrow(
      /:2:/,
    );
  });

  test('missing values are errors unless the reader allows them; then they are NaN', () => {
    const text = 'timestamp,value\n2014-01-01,1\n2014-01-02,\n2014-01-03,NaN\n2014-01-04,null\n';
    expect(() => parsePointsCsv(text, 'cpu.csv')).toThrow('cpu.csv:3');
    expect(parsePointsCsv(text, 'cpu.csv', { allowMissing: true }).map((p) => p.value)).toEqual([
      1,
      NaN,
      NaN,
      NaN,
    ]);
  });

  test('timestamps: NAB form as UTC, ISO with its zone, epoch seconds and milliseconds', () => {
    const noon = Date.UTC(2024, 0, 1, 12);
    expect(parseTimestampMs('2024-01-01 12:00:00')).toBe(noon);
    expect(parseTimestampMs('2024-01-01T12:00:00Z')).toBe(noon);
    expect(parseTimestampMs('2024-01-01T14:00:00+02:00')).toBe(noon);
    expect(parseTimestampMs(String(noon / 1000))).toBe(noon);
    expect(parseTimestampMs(String(noon))).toBe(noon);
    expect(() => parseTimestampMs('yesterday')).toThrow('not a timestamp');
  });

  test('a missing point is never an anomaly and teaches nothing: the detector goes on as if it had skipped it', () => {
    const values = noisy(3000);
    const withGap = new StreamingDetector();
    const skipped = new StreamingDetector();
    values.forEach((v, i) => {
      if (i >= 2000 && i < 2400) {
        const gap = withGap.update(Number.NaN);
        expect(gap).toEqual({ score: 0, rawScore: 0, isAnomaly: false, above: false });
        skipped.skip(1);
        return;
      }
      expect(withGap.update(v)).toEqual(skipped.update(v));
    });
    expect(withGap.snapshot()).toEqual(skipped.snapshot());
    expect(withGap.missed).toBe(400);
    expect(skipped.missed).toBe(400);
  });

  test('a bad row is an error naming its line', () => {
    expect(() => parsePointsCsv('timestamp,value\n2014-01-01,1\n2014-01-02,abc\n', 'cpu.csv')).toThrow(
      'cpu.csv:3',
    );
  });
});
