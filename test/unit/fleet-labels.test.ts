import {
  FAULT_HALF_WINDOW_MS,
  fleetSeriesSpans,
  heldOutFleetSeries,
  labelledFleetSeries,
  MAX_FLEET_SERIES,
  type AnsweredDetection,
} from '../../domain/anomaly/fleet-labels';
import type { TrainingSeries } from '../../domain/anomaly/labelled-series';

const hour = 3_600_000;
const day = 24 * hour;
const now = Date.UTC(2026, 10, 27, 12);
const at = (ms: number) => new Date(ms).toISOString();
const answer = (over: Partial<AnsweredDetection>): AnsweredDetection => ({
  instanceId: 'i-0aaaaaaaaaaaaaaa1',
  metric: 'cpu',
  openedAt: at(now - 5 * hour),
  verdict: 'fault',
  ...over,
});

describe("the fleet's answered detections as labelled series", () => {
  test('one span per instance and metric: eight days before its first answer to the end of its last window', () => {
    const spans = fleetSeriesSpans(
      [
        answer({ openedAt: at(now - 3 * day) }),
        answer({ openedAt: at(now - 20 * hour), verdict: 'expected' }),
        answer({ metric: 'latency', openedAt: at(now - 30 * 60_000) }),
        answer({ instanceId: 'i-0aaaaaaaaaaaaaaa0', openedAt: at(now - 2 * day) }),
      ],
      now,
    );
    expect(spans.map((s) => [s.name, s.fromMs, s.toMs, s.answers.length])).toEqual([
      ['i-0aaaaaaaaaaaaaaa0/cpu', now - 2 * day - 8 * day, now - 2 * day + FAULT_HALF_WINDOW_MS, 1],
      ['i-0aaaaaaaaaaaaaaa1/cpu', now - 3 * day - 8 * day, now - 20 * hour + FAULT_HALF_WINDOW_MS, 2],
      // No later than now: the incident may still be going on.
      ['i-0aaaaaaaaaaaaaaa1/latency', now - 30 * 60_000 - 8 * day, now, 1],
    ]);
  });

  test('no span starts before the 15 days CloudWatch keeps minutes; an answer without a day of them goes', () => {
    const [span] = fleetSeriesSpans(
      [
        answer({ openedAt: at(now - 14.5 * day) }),
        answer({ openedAt: at(now - 10 * day) }),
        answer({ openedAt: at(now - 2 * day) }),
      ],
      now,
    );
    expect(span?.fromMs).toBe(now - 15 * day);
    expect(span?.toMs).toBe(now - 2 * day + FAULT_HALF_WINDOW_MS);
    expect(span?.answers.map((a) => a.openedAt)).toEqual([at(now - 10 * day), at(now - 2 * day)]);
  });

  test(`at most ${MAX_FLEET_SERIES} series, the ones answered most recently`, () => {
    const many = Array.from({ length: MAX_FLEET_SERIES + 5 }, (_, i) =>
      answer({
        instanceId: `i-0${String(i).padStart(16, '0')}`,
        openedAt: at(now - (i + 3) * hour),
      }),
    );
    const names = fleetSeriesSpans(many, now).map((s) => s.name);
    expect(names).toHaveLength(MAX_FLEET_SERIES);
    expect(names).not.toContain(`i-0${String(MAX_FLEET_SERIES).padStart(16, '0')}/cpu`);
    expect([...names].sort()).toEqual(names);
  });

  test('a fault is a window around the opening; an expected alarm is none; points outside the span go', () => {
    const opened = now - 2 * day;
    const [span] = fleetSeriesSpans(
      [answer({ openedAt: at(opened) }), answer({ openedAt: at(now - 5 * day), verdict: 'expected' })],
      now,
    );
    if (!span) throw new Error('no span');
    const series = labelledFleetSeries(span, [
      { at: at(opened + hour), value: 2 },
      { at: at(opened - hour), value: 1 },
      { at: at(now - hour), value: 9 },
      { at: 'not a time', value: 9 },
    ]);
    expect(series.windows).toEqual([[opened - FAULT_HALF_WINDOW_MS, opened + FAULT_HALF_WINDOW_MS]]);
    expect(series.values).toEqual([1, 2]);
    expect(series.timestamps).toEqual([opened - hour, opened + hour]);
    expect(series.pointsPerDay).toBeUndefined();
  });

  test('faults whose windows overlap are one episode: one window, so one detection finds it', () => {
    const first = now - 3 * day;
    const [span] = fleetSeriesSpans(
      [
        answer({ openedAt: at(first) }),
        answer({ openedAt: at(first + 10 * hour) }),
        answer({ openedAt: at(first + 2 * day) }),
      ],
      now,
    );
    if (!span) throw new Error('no span');
    expect(labelledFleetSeries(span, []).windows).toEqual([
      [first - FAULT_HALF_WINDOW_MS, first + 10 * hour + FAULT_HALF_WINDOW_MS],
      [first + 2 * day - FAULT_HALF_WINDOW_MS, first + 2 * day + FAULT_HALF_WINDOW_MS],
    ]);
  });

  test('every third series is held out, and both sides need a confirmed fault', () => {
    const series = (faults: number[]): TrainingSeries[] =>
      faults.map((n, i) => ({
        name: `s${i}`,
        values: [],
        timestamps: [],
        windows: Array.from({ length: n }, () => [0, 1] as [number, number]),
      }));
    const marked = heldOutFleetSeries(series([1, 0, 1, 0]));
    expect(Array.isArray(marked) && marked.map((s) => s.heldOut)).toEqual([false, false, true, false]);
    expect(heldOutFleetSeries(series([1, 1]))).toEqual({
      reason: expect.stringMatching(/^the fleet has 2 answered series \(2 confirmed faults\)/) as string,
    });
    expect(heldOutFleetSeries(series([0, 0, 1]))).toHaveProperty('reason');
  });
});
