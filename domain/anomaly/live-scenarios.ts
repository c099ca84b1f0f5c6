import { StreamingDetector } from './detector';
import type { DetectionVerdict } from './weekly-routine';
import { seededRandom } from '../random';

/**
 * The detection loop's detector on simulated one-minute CPU with the habits real services have:
 * working hours (20 % at night, a step to 70 % at 09:05 until 17:00), weekends, holidays, early
 * Fridays, busier weekends, a clock change. Each point is fed with its time and no sampling, as the
 * loop feeds it; what counts is a rise it would open `cpu-high` for (anomalous, above the detector's
 * mean, at or above the loop's 50 % floor). Every scenario starts on a Monday (UTC).
 */
export interface LiveScenarioFigures {
  days: number;
  seed: number;
  scenarios: { scenario: string; rises: number; risesAfterTwoWeeks: number }[];
  /** Injected faults (a pegged afternoon, a night surge, weekday load on a Sunday): found at their first minute. */
  injected: { faults: number; foundAtFirstMinute: number };
  /** The weekday service with the monitor started at each of 28 times of the week (every 6 hours). */
  startTimes: { starts: number; mostRises: number; risesAfterTwoWeeks: number };
}

const DAY = 1440;
const MONDAY = Date.UTC(2024, 0, 1);
const FLOOR = 50;
const WORK_START = 545;
const WORK_END = 1020;

/** The load of a minute: `day` counts from the Monday, `minute` within the day. */
type Load = (day: number, minute: number) => number;

const weekday = (day: number) => day % 7 < 5;
const step =
  (
    works: (day: number) => boolean,
    busy: (day: number) => number = () => 70,
    shift: (day: number) => number = () => 0,
  ): Load =>
  (day, minute) =>
    works(day) && minute >= WORK_START + shift(day) && minute < WORK_END + shift(day) ? busy(day) : 20;

const SCENARIOS: [string, Load][] = [
  ['every day working', step(() => true)],
  ['weekdays only', step(weekday)],
  ['a Wednesday holiday in week 3', step((d) => weekday(d) && d !== 16)],
  ['weekday load 70 -> 90 % from week 3', step(weekday, (d) => (d >= 14 ? 90 : 70))],
  ['Fridays end at 13:00', (d, m) => (d % 7 === 4 && m >= 780 ? 20 : step(weekday)(d, m))],
  [
    'clock change: an hour earlier in UTC from day 21',
    step(
      weekday,
      () => 70,
      (d) => (d >= 21 ? -60 : 0),
    ),
  ],
  [
    'a daily 18:00 step, weekends 30 % busier',
    (d, m) => (m >= 1080 && m < 1380 ? (weekday(d) ? 60 : 72) : 20),
  ],
  ['busy only at weekends', step((d) => !weekday(d))],
  [
    'weekdays, a 02:00-03:00 backup at 85 % on weekends',
    (d, m) => (weekday(d) ? step(weekday)(d, m) : m >= 120 && m < 180 ? 85 : 20),
  ],
  [
    'weekdays, a Monday 03:00-04:00 job at 85 %',
    (d, m) => (d % 7 === 0 && m >= 180 && m < 240 ? 85 : step(weekday)(d, m)),
  ],
  [
    'weekdays, a Friday 18:00-19:00 report at 90 %',
    (d, m) => (d % 7 === 4 && m >= 1080 && m < 1140 ? 90 : step(weekday)(d, m)),
  ],
];

/** What a person answers about the incident a rise opens, by its day and minute; undefined: no answer. */
type Answer = (day: number, minute: number) => DetectionVerdict | undefined;

const inHour = (weekdayIndex: number, hour: number) => (d: number, m: number) =>
  d % 7 === weekdayIndex && m >= hour * 60 && m < (hour + 1) * 60;
const FRIDAY = 4;

/** A person's answers (decision 0051): the same loads, with "expected" or "fault" said of their rises. */
const ANSWERED: [string, Load, Answer][] = [
  [
    'Friday 18:00 report, its alarms answered "expected"',
    (d, m) => (inHour(FRIDAY, 18)(d, m) ? 90 : step(weekday)(d, m)),
    (d, m) => (inHour(FRIDAY, 18)(d, m) ? 'expected' : undefined),
  ],
  [
    'a fault every Friday 14:00-15:00 at 95 %, unanswered',
    (d, m) => (inHour(FRIDAY, 14)(d, m) ? 95 : step(weekday)(d, m)),
    () => undefined,
  ],
  [
    'the same fault, its alarms answered "fault"',
    (d, m) => (inHour(FRIDAY, 14)(d, m) ? 95 : step(weekday)(d, m)),
    (d, m) => (inHour(FRIDAY, 14)(d, m) ? 'fault' : undefined),
  ],
];

/** Rises the loop would open incidents for, by the minute since the start; `answer` is said of each at once. */
function rises(load: Load, days: number, seed: number, startMinute = 0, answer?: Answer): number[] {
  const random = seededRandom(seed);
  const detector = new StreamingDetector();
  const found: number[] = [];
  for (let i = 0; i < days * DAY; i++) {
    const t = startMinute + i;
    const [day, minute] = [Math.floor(t / DAY), t % DAY];
    const value = load(day, minute) + 8 * (random() - 0.5);
    const result = detector.updateAt(value, MONDAY + t * 60_000);
    if (!(result.isAnomaly && result.above && value >= FLOOR)) continue;
    found.push(i);
    const verdict = answer?.(day, minute);
    if (verdict) detector.judgeDetection(MONDAY + t * 60_000, verdict);
  }
  return found;
}

const afterTwoWeeks = (minutes: number[]) => minutes.filter((m) => m >= 14 * DAY).length;

export function evaluateLiveScenarios(seed: number, _train: number, days: number): LiveScenarioFigures {
  const scenarios = [
    ...SCENARIOS.map(([scenario, load]): [string, Load, Answer?] => [scenario, load]),
    ...ANSWERED,
  ].map(([scenario, load, answer]) => {
    const found = rises(load, days, seed, 0, answer);
    return { scenario, rises: found.length, risesAfterTwoWeeks: afterTwoWeeks(found) };
  });
  // Thursday of week 3 pegged 14:00-15:00, Saturday 03:00 surge to 60 %, Sunday 10:00 at weekday load.
  const injected: [start: number, minutes: number, value: number][] = [
    [17 * DAY + 840, 60, 95],
    [19 * DAY + 180, 60, 60],
    [20 * DAY + 600, 60, 70],
  ];
  const faults = injected.filter(([start]) => start < days * DAY);
  const withFaults: Load = (d, m) => {
    const t = d * DAY + m;
    const fault = faults.find(([start, length]) => t >= start && t < start + length);
    return fault ? fault[2] : step(weekday)(d, m);
  };
  const faultRises = new Set(rises(withFaults, days, seed));
  const starts = Array.from({ length: 28 }, (_, i) => i * 360);
  const startRises = starts.map((start) => rises(step(weekday), days, seed, start));
  return {
    days,
    seed,
    scenarios,
    injected: {
      faults: faults.length,
      foundAtFirstMinute: faults.filter(([start]) => faultRises.has(start)).length,
    },
    startTimes: {
      starts: starts.length,
      mostRises: Math.max(...startRises.map((r) => r.length)),
      risesAfterTwoWeeks: startRises.reduce((s, r) => s + afterTwoWeeks(r), 0),
    },
  };
}

export function formatLiveScenarios(e: LiveScenarioFigures): string {
  const width = Math.max(...e.scenarios.map((s) => s.scenario.length));
  return [
    `the detection loop's detector on ${e.days} days of one-minute CPU (seed ${e.seed}): rises that open cpu-high`,
    `${'scenario'.padEnd(width)}  rises  after day 14`,
    ...e.scenarios.map(
      (s) =>
        `${s.scenario.padEnd(width)}  ${String(s.rises).padStart(5)}  ${String(s.risesAfterTwoWeeks).padStart(12)}`,
    ),
    `injected faults found at their first minute: ${e.injected.foundAtFirstMinute} of ${e.injected.faults}`,
    `weekdays only, started at each of ${e.startTimes.starts} times of the week: at most ${e.startTimes.mostRises} rises, ${e.startTimes.risesAfterTwoWeeks} after day 14 in all`,
  ].join('\n');
}
