/** What a detector's views took for usual at a point: what an operator is told beside an anomaly. */

import { WEEKDAY_NAMES } from './week-days';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Which view judged a point: what "usual" meant for it. */
export type UsualBasis =
  'time of day' | 'hour of its odd days' | 'season' | 'recent values' | 'level transitions';

export interface Usual {
  basis: UsualBasis;
  /** The value expected there. */
  value: number;
  /** How far from it values usually are (one standard deviation). */
  spread: number;
}

/** A seasonal view's judgement of a point: its surprise and what it expected. */
export interface SeasonalJudgement {
  z: number;
  /** The view's residual variance: the lower, the better it explains the series. */
  variance: number;
  expected: number;
  /** The variance the surprise was measured against. */
  bar: number;
  basis: UsualBasis;
}

const WHERE: Record<UsualBasis, string> = {
  'time of day': 'is usual at this time of day',
  'hour of its odd days': 'is usual at this hour on its odd days (such as a weekend)',
  season: 'is usual at this point of its cycle',
  'recent values': 'is its recent level',
  'level transitions': 'is its recent level, and it seldom moves to this level from where it was',
};

/** A CPU figure as findings and `monitor show` write it: "21.0%". */
export const percent = (value: number) => `${value.toFixed(1)}%`;
/** A latency figure: "120 ms". */
export const milliseconds = (value: number) => `${value.toFixed(0)} ms`;

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB'] as const;
/** "512 B", "1.2 GB": decimal units, as network volumes are quoted; `suffix` follows the unit ("/s"). */
export function decimalBytes(value: number, suffix = ''): string {
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return `${unit === 0 ? scaled.toFixed(0) : scaled.toFixed(1)} ${BYTE_UNITS[unit]}${suffix}`;
}
/** "512 B/s", "4.2 MB/s": decimal units, as network throughput is quoted. */
export const bytesPerSecond = (value: number): string => decimalBytes(value, '/s');
/** "12.5 requests/s", "1250 requests/s": a tenth where it still tells two rates apart. */
export const requestsPerSecond = (value: number): string =>
  `${Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1)} requests/s`;

/** "about 21.0% (± 2.9%) is usual at this time of day", figures written by `format`. */
export function describeUsual(usual: Usual, format: (value: number) => string): string {
  return `about ${format(usual.value)} (± ${format(usual.spread)}) ${WHERE[usual.basis]}`;
}

/** What a daily profile takes for usual, per hour of the day (UTC), as an operator reads it. */
export interface ProfileView {
  /** Whether it judges yet (proven against the plain view, after three days). */
  proven: boolean;
  /** Distinct days it learnt from. */
  days: number;
  /** Per hour: the usual value and its spread; null for an hour not seen yet. */
  hours: ({ value: number; spread: number } | null)[];
  /** Per weekday (UTC) from Monday, for the profile that tells the week's kinds of days apart. */
  weekdays?: WeekdayView[];
  /** The odd days' own profile (decision 0047). */
  oddDays?: ProfileView;
}

export interface WeekdayView {
  day: string;
  /** How its last occurrence went against the profile; null if not measured yet. */
  verdict: 'like' | 'quieter' | 'busier' | null;
  /** Its day-weighted mean; null until seen whole. */
  level: number | null;
  /** Its level is far from the others': it rests, judged by the odd days' profile. */
  odd: boolean;
}

/** What a carried detector takes for usual, as `medic monitor show` prints it. */
export interface DetectorView {
  /** Points learnt. */
  points: number;
  /** The plain view: recent values' level and spread. */
  recent: { value: number; spread: number };
  profile?: ProfileView;
  /** Hours of the week whose surprises came back the two weeks before: weekly routines, not alarmed. */
  weeklyRoutines?: string[];
}

/**
 * What a described profile takes for usual at this time (UTC): the odd days' profile on an odd day,
 * the profile otherwise; undefined where neither judges (not proven, or an hour not seen).
 */
export function usualAt(profile: ProfileView, atMs: number): { value: number; spread: number } | undefined {
  const day = WEEKDAY_NAMES[Math.floor(atMs / DAY_MS) % WEEKDAY_NAMES.length];
  const odd = profile.weekdays?.find((w) => w.day === day)?.odd ?? false;
  const judging = odd ? profile.oddDays : profile;
  if (!judging?.proven) return undefined;
  return judging.hours[Math.floor((atMs % DAY_MS) / HOUR_MS)] ?? undefined;
}
