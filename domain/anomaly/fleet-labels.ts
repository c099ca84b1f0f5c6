import type { MonitoredMetric } from '../monitor-view';
import type { DetectionVerdict } from './weekly-routine';
import type { TrainingSeries } from './labelled-series';

/**
 * The fleet's own labelled traces (decision 0053): each detector incident a person answered "was
 * this alarm expected?" for labels the series it came from. A fault is an anomaly window around the
 * incident's opening; an expected alarm is no window, so a detector that fires there again pays a
 * false alarm. `MEDIC_DETECTOR_DATASET=fleet` retrains the detector on them.
 */

export const FLEET_DATASET = 'fleet';

/**
 * Half the labelled window around a confirmed fault. Wide, as NAB's are, because the answer dates the
 * answering detector's alarm, not the fault's extent: with ±1 hour a retraining could only pick the
 * setting that fired at those very minutes again (decision 0053's simulation).
 */
export const FAULT_HALF_WINDOW_MS = 12 * 3_600_000;
/** History read before a series' first answer, as a new monitor reads it (decision 0045). */
export const LEARNING_DAYS_BEFORE = 8;
/** CloudWatch keeps one-minute datapoints for 15 days: no series starts earlier. */
export const MINUTES_KEPT_MS = 15 * 86_400_000;
/** An answer needs a day of minutes before it to be learnt from: older answers are left out. */
const OLDEST_ANSWER_MS = MINUTES_KEPT_MS - 86_400_000;
/** Read after a series' last answer: to the end of its window, where another setting may fire. */
const AFTER_LAST_ANSWER_MS = FAULT_HALF_WINDOW_MS;
/** Series read for one retraining (one CloudWatch read each): those answered most recently. */
export const MAX_FLEET_SERIES = 100;

export interface AnsweredDetection {
  instanceId: string;
  metric: MonitoredMetric;
  /** When the incident opened (ISO): the detection the answer is about. */
  openedAt: string;
  verdict: DetectionVerdict;
}

/** One series to read from CloudWatch, with the answers that label it. */
export interface FleetSeriesSpan {
  name: string;
  instanceId: string;
  metric: MonitoredMetric;
  fromMs: number;
  toMs: number;
  answers: AnsweredDetection[];
}

/**
 * Which history to read: one span per instance and metric, from eight days before its first answer
 * (no earlier than CloudWatch keeps minutes) to the end of its last window, no later than `nowMs`;
 * answers without a day of minutes before them are left out. The `MAX_FLEET_SERIES` answered most
 * recently, sorted by name, so the held-out split is stable.
 */
export function fleetSeriesSpans(answers: readonly AnsweredDetection[], nowMs: number): FleetSeriesSpan[] {
  const openedMs = (a: AnsweredDetection) => Date.parse(a.openedAt);
  const bySeries = new Map<string, AnsweredDetection[]>();
  for (const a of answers) {
    if (!(openedMs(a) >= nowMs - OLDEST_ANSWER_MS)) continue;
    const name = `${a.instanceId}/${a.metric}`;
    bySeries.set(name, [...(bySeries.get(name) ?? []), a]);
  }
  return [...bySeries.entries()]
    .map(([name, all]) => {
      // Never empty: a series is listed only for an answer kept.
      const kept = [...all].sort((a, b) => openedMs(a) - openedMs(b));
      const first = kept[0];
      const last = kept[kept.length - 1];
      return {
        name,
        instanceId: first.instanceId,
        metric: first.metric,
        fromMs: Math.max(nowMs - MINUTES_KEPT_MS, openedMs(first) - LEARNING_DAYS_BEFORE * 86_400_000),
        toMs: Math.min(nowMs, openedMs(last) + AFTER_LAST_ANSWER_MS),
        answers: kept,
      };
    })
    .sort((a, b) => b.toMs - a.toMs)
    .slice(0, MAX_FLEET_SERIES)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The span's points as a training series, a window around each fault (`faultWindows`). The sampling
 * stays unknown, as in the detection loop, so the detector is tuned the way it runs there.
 */
export function labelledFleetSeries(
  span: FleetSeriesSpan,
  points: readonly { at: string; value: number }[],
): TrainingSeries {
  const rows = points
    .map((p) => ({ at: Date.parse(p.at), value: p.value }))
    .filter((p) => Number.isFinite(p.at) && p.at >= span.fromMs && p.at <= span.toMs)
    .sort((a, b) => a.at - b.at);
  return {
    name: span.name,
    timestamps: rows.map((r) => r.at),
    values: rows.map((r) => r.value),
    windows: faultWindows(span.answers),
  };
}

/** A window around each confirmed fault; windows that overlap are one episode, so one window. */
export function faultWindows(answers: readonly AnsweredDetection[]): [number, number][] {
  const windows: [number, number][] = [];
  const faults = answers
    .filter((a) => a.verdict === 'fault')
    .map((a) => Date.parse(a.openedAt))
    .sort((a, b) => a - b);
  for (const opened of faults) {
    const last = windows[windows.length - 1];
    if (last && opened - FAULT_HALF_WINDOW_MS <= last[1]) last[1] = opened + FAULT_HALF_WINDOW_MS;
    else windows.push([opened - FAULT_HALF_WINDOW_MS, opened + FAULT_HALF_WINDOW_MS]);
  }
  return windows;
}

/**
 * Every third series (by name) is held out, the others train: a fleet's few series cannot rely on a
 * hash to fill both sides. A reason instead when either side would have no fault to find.
 */
export function heldOutFleetSeries(series: readonly TrainingSeries[]): TrainingSeries[] | { reason: string } {
  const marked = series.map((s, i) => ({ ...s, heldOut: i % 3 === 2 }));
  const faults = (heldOut: boolean) =>
    marked.filter((s) => s.heldOut === heldOut).reduce((n, s) => n + s.windows.length, 0);
  if (faults(false) === 0 || faults(true) === 0)
    return {
      reason: `the fleet has ${series.length} answered series (${faults(false) + faults(true)} confirmed faults): the detector needs a confirmed fault both among the series it is tuned on and among every third series, which it is judged on (answer detector incidents with "medic incidents fault|expected")`,
    };
  return marked;
}
