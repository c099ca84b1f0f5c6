import {
  DEFAULT_DETECTOR_PARAMS,
  DETECTOR_VERSION,
  StreamingDetector,
  type DetectorParams,
  type DetectorSnapshot,
} from '../../domain/anomaly/detector';
import { decodeCounts, decodeFigures, MEAN_FIGURES } from '../../domain/anomaly/figure-codes';
import {
  detectFaults,
  detectorKeyParts,
  MAX_DETECTORS_WITH_LEVELS,
  MAX_DETECTORS_WITH_PROFILES,
  type DetectorStates,
  type InstanceObservation,
} from '../../domain/detection';
import { donorsByGroup, inheritedSnapshot } from '../../domain/detector-inheritance';

const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3 };
const NOW = '2026-01-01T12:00:00.000Z';

function obs(overrides: Partial<InstanceObservation> = {}): InstanceObservation {
  return { instanceId: 'i-1', state: 'running', statusCheckFailed: [], cpuUtilization: [], ...overrides };
}

/** Points `stepMs` apart from `start` (an index) on 2026-01-01. */
const spaced = (stepMs: number) => (start: number, values: number[]) =>
  values.map((value, i) => ({
    at: new Date(Date.UTC(2026, 0, 1) + (start + i) * stepMs).toISOString(),
    value,
  }));

/** `n` values within `halfWidth` of `centre`, from a seeded generator: a steady series with noise. */
function noisyAround(centre: number, halfWidth: number, n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return centre + ((s / 2 ** 31) * 2 - 1) * halfWidth;
  });
}

describe('detectFaults', () => {
  test('a healthy fleet yields no findings', () => {
    const cpu = [10, 20, 30].map((value, i) => ({ at: `2026-01-01T11:5${i}:00.000Z`, value }));
    expect(detectFaults([obs({ cpuUtilization: cpu })], {}, new Set(), thresholds, NOW).findings).toEqual([]);
  });

  test('a stopped instance is reported once per stop, and again after it ran in between', () => {
    const first = detectFaults([obs({ state: 'stopped' })], {}, new Set(), thresholds, NOW);
    expect(first.findings.map((f) => f.kind)).toEqual(['instance-stopped']);
    const again = detectFaults([obs({ state: 'stopped' })], first.watermarks, new Set(), thresholds, NOW);
    expect(again.findings).toEqual([]);
    const running = detectFaults([obs()], again.watermarks, new Set(), thresholds, NOW);
    const stoppedAgain = detectFaults(
      [obs({ state: 'stopped' })],
      running.watermarks,
      new Set(),
      thresholds,
      NOW,
    );
    expect(stoppedAgain.findings).toHaveLength(1);
  });

  test('failing status check datapoints are reported once; only newer ones report again', () => {
    const points = [{ at: '2026-01-01T11:59:00.000Z', value: 1 }];
    const first = detectFaults([obs({ statusCheckFailed: points })], {}, new Set(), thresholds, NOW);
    expect(first.findings[0]).toMatchObject({
      kind: 'status-check-failed',
      severity: 'critical',
      evidenceAt: points[0].at,
    });
    expect(
      detectFaults([obs({ statusCheckFailed: points })], first.watermarks, new Set(), thresholds, NOW)
        .findings,
    ).toEqual([]);
    const newer = [...points, { at: '2026-01-01T11:59:30.000Z', value: 1 }];
    expect(
      detectFaults([obs({ statusCheckFailed: newer })], first.watermarks, new Set(), thresholds, NOW)
        .findings,
    ).toHaveLength(1);
  });

  test('zero-valued status check datapoints are not failures', () => {
    const points = [{ at: '2026-01-01T11:59:00.000Z', value: 0 }];
    expect(
      detectFaults([obs({ statusCheckFailed: points })], {}, new Set(), thresholds, NOW).findings,
    ).toEqual([]);
  });

  test('high CPU needs the whole window above the threshold, not one spike', () => {
    const spike = [20, 99, 20].map((value, i) => ({ at: `2026-01-01T11:5${i}:00.000Z`, value }));
    expect(detectFaults([obs({ cpuUtilization: spike })], {}, new Set(), thresholds, NOW).findings).toEqual(
      [],
    );
    const sustained = [95, 97, 99].map((value, i) => ({ at: `2026-01-01T11:5${i}:00.000Z`, value }));
    const result = detectFaults([obs({ cpuUtilization: sustained })], {}, new Set(), thresholds, NOW);
    expect(result.findings[0]).toMatchObject({ kind: 'cpu-high', severity: 'medium' });
    expect(result.findings[0].summary).toContain('97.0%');
  });

  test('resources already under remediation are skipped', () => {
    const result = detectFaults([obs({ state: 'stopped' })], {}, new Set(['i-1']), thresholds, NOW);
    expect(result.findings).toEqual([]);
  });

  test('a stopped instance is not also reported for its old metrics', () => {
    const result = detectFaults(
      [obs({ state: 'stopped', statusCheckFailed: [{ at: '2026-01-01T11:59:00.000Z', value: 1 }] })],
      {},
      new Set(),
      thresholds,
      NOW,
    );
    expect(result.findings.map((f) => f.kind)).toEqual(['instance-stopped']);
  });
});

describe('detectFaults with the streaming detector', () => {
  /** Minute-spaced CPU points from `start` (an index), around 20 % with a little seeded noise. */
  const series = spaced(60_000);
  const calm = (n: number, seed = 1) => noisyAround(20, 3, n, seed);

  test("CPU far outside the instance's normal range opens cpu-high below the fixed threshold", () => {
    const learnt = detectFaults(
      [obs({ cpuUtilization: series(0, calm(300)) })],
      {},
      new Set(),
      thresholds,
      NOW,
      {
        detectors: {},
        floorPercent: 50,
      },
    );
    expect(learnt.findings).toEqual([]);
    const jump = detectFaults(
      [obs({ cpuUtilization: series(300, [72, 74, 73]) })],
      learnt.watermarks,
      new Set(),
      thresholds,
      NOW,
      { detectors: learnt.detectors ?? {}, floorPercent: 50 },
    );
    expect(jump.findings).toHaveLength(1);
    // It says what was usual: the profile is not proven in 300 minutes, so the recent level.
    expect(jump.findings[0]?.summary).toMatch(
      /CPU at 7\d\.0% is outside its normal range: about \d+\.\d% \(± \d+\.\d%\) is its recent level \(anomaly score/,
    );
    // Without the detector the same 73 % is below the 90 % threshold: nothing.
    expect(
      detectFaults(
        [obs({ cpuUtilization: series(300, [72, 74, 73]) })],
        learnt.watermarks,
        new Set(),
        thresholds,
        NOW,
      ).findings,
    ).toEqual([]);
  });

  test("the registry's active detector judges: its version is named, and a stricter one stays quiet", () => {
    const learn = () =>
      detectFaults([obs({ cpuUtilization: series(0, calm(300)) })], {}, new Set(), thresholds, NOW, {
        detectors: {},
        floorPercent: 50,
      });
    const jumpWith = (model?: { params: DetectorParams; version: string }) => {
      const learnt = learn();
      return detectFaults(
        [obs({ cpuUtilization: series(300, [72, 74, 73]) })],
        learnt.watermarks,
        new Set(),
        thresholds,
        NOW,
        { detectors: learnt.detectors ?? {}, floorPercent: 50, ...(model ? { model } : {}) },
      ).findings;
    };
    expect(jumpWith()[0]?.detectorVersion).toBe(DETECTOR_VERSION);
    const tuned = { params: { ...DEFAULT_DETECTOR_PARAMS, threshold: 0.6 }, version: 'detector-run-1' };
    expect(jumpWith(tuned)[0]?.detectorVersion).toBe('detector-run-1');
    const strict = { params: { ...DEFAULT_DETECTOR_PARAMS, threshold: 0.95 }, version: 'detector-run-2' };
    expect(jumpWith(strict)).toEqual([]);
  });

  test('an anomaly under the floor is not an incident, and polls in pieces equal one pass', () => {
    const values = [...calm(300), 35, 36, 35];
    const whole = detectFaults([obs({ cpuUtilization: series(0, values) })], {}, new Set(), thresholds, NOW, {
      detectors: {},
      floorPercent: 50,
    });
    expect(whole.findings).toEqual([]);
    let state = { watermarks: {}, detectors: {} };
    for (let i = 0; i < values.length; i += 50) {
      const r = detectFaults(
        [obs({ cpuUtilization: series(i, values.slice(i, i + 50)) })],
        state.watermarks,
        new Set(),
        thresholds,
        NOW,
        { detectors: state.detectors, floorPercent: 50 },
      );
      state = { watermarks: r.watermarks, detectors: r.detectors ?? {} };
    }
    expect(state.detectors).toEqual(whole.detectors);
  });

  /**
   * Days (from 2026-01-01, a Thursday) on which one-minute CPU polled hourly opened cpu-high, the
   * monitor starting on day `from`; with `history`, its first scan has the days before as history.
   */
  const cpuHighDaysPolledHourly = (values: number[], { from = 0, history: withHistory = false } = {}) => {
    let state: { watermarks: Record<string, string>; detectors: Record<string, unknown> } = {
      watermarks: {},
      detectors: {},
    };
    const opened: number[] = [];
    const first = from * day;
    for (let start = first; start < values.length; start += 60) {
      const history =
        withHistory && start === first ? { cpuUtilization: series(0, values.slice(0, first)) } : {};
      const r = detectFaults(
        [obs({ cpuUtilization: series(start, values.slice(start, start + 60)), history })],
        state.watermarks,
        new Set(),
        { cpuHighPercent: 90, cpuWindowPoints: 3 },
        NOW,
        // Carried between polls as the workflow carries it: through JSON.
        JSON.parse(JSON.stringify({ detectors: state.detectors, floorPercent: 50 })) as {
          detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>;
          floorPercent: number;
        },
      );
      for (const f of r.findings)
        if (f.kind === 'cpu-high')
          opened.push(Math.floor((Date.parse(f.evidenceAt ?? '') - Date.UTC(2026, 0, 1)) / 86_400_000));
      state = { watermarks: r.watermarks, detectors: r.detectors ?? {} };
    }
    return opened;
  };
  const day = 1440;
  /** One-minute CPU: 20 % at night, 75 % from 09:05 to 17:00 (a step) on the days that work. */
  const workingHours = (days: number, works: (day: number) => boolean) =>
    calm(days * day, 5).map((v, i) =>
      works(Math.floor(i / day)) && i % day >= 545 && i % day < 1020 ? v + 55 : v,
    );

  test('polled hourly for a week, a working-hours load opens cpu-high in the first mornings only', () => {
    const opened = cpuHighDaysPolledHourly(workingHours(7, () => true));
    // Before the profile may judge (three days seen), the morning step is outside the normal range.
    expect(opened.filter((d) => d < 3).length).toBeGreaterThan(0);
    expect(opened.filter((d) => d >= 3)).toEqual([]);
  });

  test("a new monitor starts each detector from the instance's history: no cpu-high on its first mornings", () => {
    const weekday = (d: number) => ![2, 3].includes(d % 7);
    const values = workingHours(14, weekday);
    // Without history the first mornings are outside the normal range; with 8 days of it, none is.
    expect(cpuHighDaysPolledHourly(values, { from: 8 }).length).toBeGreaterThan(0);
    expect(cpuHighDaysPolledHourly(values, { from: 8, history: true })).toEqual([]);
  });

  test('an instance waiting for its history starts no detector and is judged by the thresholds', () => {
    const r = detectFaults(
      [obs({ cpuUtilization: series(0, [...calm(30), 97, 98, 99]) })],
      {},
      new Set(),
      thresholds,
      NOW,
      { detectors: {}, floorPercent: 50, waitingForHistory: new Set(['i-1']) },
    );
    expect(r.detectors).toEqual({});
    expect(r.findings.map((f) => f.kind)).toEqual(['cpu-high']);
  });

  test('polled hourly for three weeks, a weekday service with quiet weekends opens nothing after its first week', () => {
    // 2026-01-01 is a Thursday: days 2 and 3 of each week are the weekend.
    const weekday = (d: number) => ![2, 3].includes(d % 7);
    const opened = cpuHighDaysPolledHourly(workingHours(21, weekday));
    expect(opened.filter((d) => d >= 7)).toEqual([]);
  });

  test('a monitor of very many instances keeps no transition counts, so its scans stay under the payload limit', () => {
    const others = Array.from({ length: MAX_DETECTORS_WITH_LEVELS }, (_, i) => `i-other-${i}`);
    const scan = (
      listed: string[],
      detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>,
    ) =>
      detectFaults(
        [obs({ cpuUtilization: series(0, calm(300)) }), ...listed.map((instanceId) => obs({ instanceId }))],
        {},
        new Set(),
        thresholds,
        NOW,
        { detectors, floorPercent: 50 },
      ).detectors ?? {};
    const own = (detectors: Record<string, { snapshot: DetectorSnapshot }>) =>
      Object.values(detectors).find((d) => d.snapshot.index === 300)?.snapshot;
    expect(decodeCounts(own(scan([], {}))?.levels?.countFigures ?? '')).toHaveLength(64);
    expect(decodeFigures(own(scan([], {}))?.profile?.meanFigures ?? '', MEAN_FIGURES)).toHaveLength(96);
    const idle = { snapshot: new StreamingDetector().snapshot({ withLevels: false }), fedUpTo: '' };
    const crowd = Object.fromEntries(others.map((id) => [id, idle]));
    const crowded = own(scan(others, crowd));
    expect(crowded?.index).toBe(300);
    expect(crowded?.levels).toBeUndefined();
    expect(crowded?.profile).toBeUndefined();
    // Between the two limits the transition counts stay and the daily profiles go.
    const some = others.slice(0, MAX_DETECTORS_WITH_PROFILES);
    const busy = own(scan(some, Object.fromEntries(some.map((id) => [id, idle]))));
    expect(decodeCounts(busy?.levels?.countFigures ?? '')).toHaveLength(64);
    expect(busy?.profile).toBeUndefined();
  });

  test('full daily profiles keep a monitor at its profile limit under the 2 MiB payload limit', () => {
    const detector = new StreamingDetector();
    const start = Date.UTC(2024, 0, 1);
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    // Each quarter-hour its own level (1-41 %, so neighbouring figures differ, some by a decade).
    const level = Array.from({ length: 96 }, () => 1 + 40 * random() ** 2);
    // Three weeks of noisy one-minute CPU working weekdays 09:00-17:00, quieter weekends: every slot
    // of the profile and of the odd days' profile filled.
    for (let i = 0; i < 21 * 1440; i++) {
      const [day, minute] = [Math.floor(i / 1440) % 7, i % 1440];
      const working = day < 5 && minute >= 540 && minute < 1020;
      const usual = level[Math.floor(minute / 15)] ?? 0;
      detector.updateAt(
        (working ? 50 : 0) + (day < 5 ? usual : usual / 4) + 6 * random(),
        start + i * 60_000,
      );
    }
    const state = { snapshot: detector.snapshot(), fedUpTo: new Date(start).toISOString() };
    const filled = (figures = '') => decodeFigures(figures, MEAN_FIGURES).filter((m) => !Number.isNaN(m));
    expect(filled(state.snapshot.profile?.meanFigures)).toHaveLength(96);
    expect(filled(state.snapshot.profile?.oddDays?.meanFigures)).toHaveLength(24);
    const carried = JSON.stringify({ [`i-${'0'.repeat(17)}/LatencyP99`]: state }).length;
    expect(carried * MAX_DETECTORS_WITH_PROFILES).toBeLessThan(0.8 * 2 * 1024 * 1024);
  });
});

describe('latency judged by its own streaming detector', () => {
  /** Ten-second p99 points from `start` (an index) around 120 ms with seeded noise. */
  const series = spaced(10_000);
  const usual = (n: number, seed = 3) => noisyAround(120, 10, n, seed);
  const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3, latencyHighMs: 1000 };
  const cpu = series(
    0,
    Array.from({ length: 300 }, () => 20),
  );
  const scan = (
    latency: ReturnType<typeof series>,
    state: {
      watermarks: Record<string, string>;
      detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>;
    },
    latencyFloorMs?: number,
  ) =>
    detectFaults(
      [obs({ cpuUtilization: cpu, latencyP99: latency })],
      state.watermarks,
      new Set(),
      thresholds,
      NOW,
      {
        detectors: state.detectors,
        floorPercent: 50,
        ...(latencyFloorMs !== undefined ? { latencyFloorMs } : {}),
      },
    );
  const learnt = (latencyFloorMs?: number) => {
    const r = scan(series(0, usual(300)), { watermarks: {}, detectors: {} }, latencyFloorMs);
    return { watermarks: r.watermarks, detectors: r.detectors ?? {} };
  };

  test("p99 far outside the instance's normal range opens latency-high below the fixed threshold, once", () => {
    const before = learnt(500);
    expect(Object.keys(before.detectors).sort()).toEqual(['i-1', 'i-1/LatencyP99']);
    const slow = scan(series(300, [640, 660, 650]), before, 500);
    expect(slow.findings.map((f) => [f.kind, f.severity])).toEqual([['latency-high', 'medium']]);
    expect(slow.findings[0]?.summary).toMatch(/p99 latency at 6\d0 ms is outside its normal range/);
    expect(slow.findings[0]?.detectorVersion).toBe(DETECTOR_VERSION);
    // The same datapoints again: already reported.
    expect(
      scan(series(300, [640, 660, 650]), { watermarks: slow.watermarks, detectors: before.detectors }, 500)
        .findings,
    ).toEqual([]);
    // Without a latency floor only the 1 000 ms threshold judges latency, and 650 ms is under it.
    expect(scan(series(300, [640, 660, 650]), learnt(), undefined).findings).toEqual([]);
  });

  test('an unusual p99 under the floor, or one falling, is not an incident', () => {
    expect(scan(series(300, [300, 310, 305]), learnt(500), 500).findings).toEqual([]);
    // Slow for a long while (the threshold reported it), then much faster but still over the floor:
    // the fall is as unusual as a rise, and no fault.
    const slow = scan(
      series(
        0,
        usual(300).map((v) => v + 1400),
      ),
      { watermarks: {}, detectors: {} },
      500,
    );
    const recovering = scan(
      series(300, [700, 690, 710]),
      { watermarks: slow.watermarks, detectors: slow.detectors ?? {} },
      500,
    );
    expect(recovering.findings).toEqual([]);
    expect(recovering.detectors?.['i-1/LatencyP99']?.snapshot.index).toBe(303);
  });
});

describe('inbound traffic judged by its own streaming detector', () => {
  /** Ten-second points of bytes per second from `start` (an index). */
  const series = spaced(10_000);
  /** About 300 kB/s with seeded noise: a web server's usual inbound traffic. */
  const usual = (n: number, seed = 5) => noisyAround(300_000, 30_000, n, seed);
  const cpu = series(
    0,
    Array.from({ length: 300 }, () => 20),
  );
  const scan = (
    networkIn: ReturnType<typeof series>,
    state: {
      watermarks: Record<string, string>;
      detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>;
    },
    networkFloorBytesPerSecond?: number,
    waitingForHistory?: Set<string>,
  ) =>
    detectFaults([obs({ cpuUtilization: cpu, networkIn })], state.watermarks, new Set(), thresholds, NOW, {
      detectors: state.detectors,
      floorPercent: 50,
      ...(networkFloorBytesPerSecond !== undefined ? { networkFloorBytesPerSecond } : {}),
      ...(waitingForHistory ? { waitingForHistory } : {}),
    });
  const learnt = (floor?: number) => {
    const r = scan(series(0, usual(300)), { watermarks: {}, detectors: {} }, floor);
    return { watermarks: r.watermarks, detectors: r.detectors ?? {} };
  };

  test("traffic far above the instance's usual opens traffic-surge, once, with the rate and the usual level", () => {
    const before = learnt(1_000_000);
    expect(Object.keys(before.detectors).sort()).toEqual(['i-1', 'i-1/NetworkIn']);
    const surge = scan(series(300, [8_000_000, 9_500_000, 9_000_000]), before, 1_000_000);
    expect(surge.findings.map((f) => [f.kind, f.severity])).toEqual([['traffic-surge', 'medium']]);
    expect(surge.findings[0]?.summary).toMatch(
      /inbound traffic at (8\.0|9\.5|9\.0) MB\/s is outside its normal range/,
    );
    expect(surge.findings[0]?.summary).toMatch(/kB\/s/);
    expect(surge.findings[0]?.detectorVersion).toBe(DETECTOR_VERSION);
    // Already reported: the same datapoints open nothing more.
    const again = { watermarks: surge.watermarks, detectors: before.detectors };
    expect(scan(series(300, [8_000_000, 9_500_000, 9_000_000]), again, 1_000_000).findings).toEqual([]);
    // Without a floor traffic is not judged at all, and no detector is kept for it.
    const unjudged = learnt();
    expect(Object.keys(unjudged.detectors)).toEqual(['i-1']);
    expect(scan(series(300, [8_000_000, 9_500_000, 9_000_000]), unjudged).findings).toEqual([]);
  });

  test('a surge under the floor, a fall, or a detector waiting for its history opens nothing', () => {
    // Ten times the usual, but 3 MB/s is under a 5 MB/s floor.
    expect(
      scan(series(300, [3_000_000, 3_100_000, 3_050_000]), learnt(5_000_000), 5_000_000).findings,
    ).toEqual([]);
    // Traffic dropping to a trickle is as unusual as a surge, and no surge.
    expect(scan(series(300, [5_000, 4_000, 6_000]), learnt(1_000), 1_000).findings).toEqual([]);
    // The network detector waits for its history; CPU's runs on.
    const waiting = scan(
      series(0, [...usual(300), 9_000_000]),
      { watermarks: {}, detectors: {} },
      1_000_000,
      new Set(['i-1/NetworkIn']),
    );
    expect(waiting.findings).toEqual([]);
    expect(Object.keys(waiting.detectors ?? {})).toEqual(['i-1']);
  });
});

describe('outbound traffic judged by its own streaming detector', () => {
  const series = spaced(10_000);
  const settings = (detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>) => ({
    detectors,
    floorPercent: 50,
    egressFloorBytesPerSecond: 1_000_000,
  });
  /** 300 points of CPU about 20 % and outbound traffic about 200 kB/s, then `cpu` and `egress`. */
  const scan = (
    cpu: number[],
    egress: number[],
    state: {
      watermarks: Record<string, string>;
      detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>;
    },
    start = 300,
  ) =>
    detectFaults(
      [obs({ cpuUtilization: series(start, cpu), networkOut: series(start, egress) })],
      state.watermarks,
      new Set(),
      thresholds,
      NOW,
      settings(state.detectors),
    );
  const learnt = () => {
    const r = scan(
      noisyAround(20, 3, 300, 7),
      noisyAround(200_000, 20_000, 300, 9),
      { watermarks: {}, detectors: {} },
      0,
    );
    return { watermarks: r.watermarks, detectors: r.detectors ?? {} };
  };

  test('data leaving far above its usual rate opens egress-surge, high, ahead of the CPU that rose with it', () => {
    const before = learnt();
    expect(Object.keys(before.detectors).sort()).toEqual(['i-1', 'i-1/NetworkOut']);
    expect(detectorKeyParts('i-1/NetworkOut')).toEqual({ instanceId: 'i-1', metric: 'egress' });
    // Both rise together: the suspicion of a leak is reported, not the CPU a reboot would answer.
    const leaking = scan([95, 97, 96], [12_000_000, 12_500_000, 11_800_000], before);
    expect(leaking.findings.map((f) => [f.kind, f.severity])).toEqual([['egress-surge', 'high']]);
    expect(leaking.findings[0]?.summary).toMatch(
      /outbound traffic at 1\d\.\d MB\/s is outside its normal range: about 2\d\d\.\d kB\/s/,
    );
    // The CPU rise is not lost: with the leak reported, the next scan of the same points reports it.
    const next = scan([95, 97, 96], [12_000_000, 12_500_000, 11_800_000], {
      watermarks: leaking.watermarks,
      detectors: before.detectors,
    });
    expect(next.findings.map((f) => f.kind)).toEqual(['cpu-high']);
  });

  test('under the floor, or without a floor set, outbound traffic opens nothing', () => {
    // Four times the usual, but 800 kB/s is under the 1 MB/s floor.
    expect(scan([20, 21, 19], [800_000, 790_000, 810_000], learnt()).findings).toEqual([]);
    const unjudged = detectFaults(
      [
        obs({
          cpuUtilization: series(0, noisyAround(20, 3, 300, 7)),
          networkOut: series(0, noisyAround(200_000, 20_000, 300, 9)),
        }),
      ],
      {},
      new Set(),
      thresholds,
      NOW,
      { detectors: {}, floorPercent: 50 },
    );
    expect(Object.keys(unjudged.detectors ?? {})).toEqual(['i-1']);
  });
});

describe("the application's request rate judged by its own streaming detector", () => {
  const series = spaced(10_000);
  const floors = { floorPercent: 50, requestFloorPerSecond: 20, networkFloorBytesPerSecond: 1_000_000 };
  /** 300 points of about 40 requests and 300 kB/s a second, then `requests` and `inbound`. */
  const scan = (
    requests: number[],
    inbound: number[],
    state: {
      watermarks: Record<string, string>;
      detectors: Record<string, { snapshot: DetectorSnapshot; fedUpTo: string }>;
    },
    start = 300,
    settings: Partial<typeof floors> = floors,
  ) =>
    detectFaults(
      [
        obs({
          cpuUtilization: series(
            start,
            Array.from({ length: requests.length }, () => 20),
          ),
          requestRate: series(start, requests),
          networkIn: series(start, inbound),
        }),
      ],
      state.watermarks,
      new Set(),
      thresholds,
      NOW,
      { detectors: state.detectors, floorPercent: 50, ...settings },
    );
  const learnt = (settings: Partial<typeof floors> = floors) => {
    const r = scan(
      noisyAround(40, 4, 300, 11),
      noisyAround(300_000, 30_000, 300, 5),
      { watermarks: {}, detectors: {} },
      0,
      settings,
    );
    return { watermarks: r.watermarks, detectors: r.detectors ?? {} };
  };

  test('requests far above their usual rate open request-surge, with the rate and the usual level', () => {
    const before = learnt();
    expect(Object.keys(before.detectors).sort()).toEqual(['i-1', 'i-1/NetworkIn', 'i-1/RequestCount']);
    expect(detectorKeyParts('i-1/RequestCount')).toEqual({ instanceId: 'i-1', metric: 'requests' });
    // Thirty times the usual requests; the bytes they bring stay usual (small requests, heavy work).
    const surge = scan([1_200, 1_250, 1_180], noisyAround(300_000, 30_000, 3, 6), before);
    expect(surge.findings.map((f) => [f.kind, f.severity])).toEqual([['request-surge', 'medium']]);
    expect(surge.findings[0]?.summary).toMatch(
      /request rate at 1\d{3} requests\/s is outside its normal range: about \d\d\.\d requests\/s \(± \d+\.\d requests\/s\)/,
    );
    expect(surge.findings[0]?.detectorVersion).toBe(DETECTOR_VERSION);
  });

  test('requests and inbound traffic surging together are one incident, whichever detector names it', () => {
    const before = learnt();
    const both = scan([1_200, 1_250, 1_180], [9_000_000, 9_500_000, 9_200_000], before);
    expect(both.findings.map((f) => f.kind)).toEqual(['request-surge']);
    // The next scan of the same points: the bytes' rises were reported with the requests', so no
    // second incident adds a second instance for the same surge.
    const next = scan([1_200, 1_250, 1_180], [9_000_000, 9_500_000, 9_200_000], {
      watermarks: both.watermarks,
      detectors: before.detectors,
    });
    expect(next.findings).toEqual([]);
    // A later surge of bytes alone is news of its own.
    const later = scan(
      [40, 41, 39],
      [9_000_000, 9_500_000, 9_200_000],
      { watermarks: both.watermarks, detectors: before.detectors },
      400,
    );
    expect(later.findings.map((f) => f.kind)).toEqual(['traffic-surge']);
  });

  test('under the floor, a fall, or without a floor set, requests open nothing', () => {
    // Thirty times the usual, but 1 200 a second is under a floor of 2 000.
    const busyService = { ...floors, requestFloorPerSecond: 2_000 };
    expect(
      scan([1_200, 1_250, 1_180], noisyAround(300_000, 30_000, 3, 6), learnt(busyService), 300, busyService)
        .findings,
    ).toEqual([]);
    // Requests falling away are unusual, and no surge.
    expect(scan([1, 0, 2], noisyAround(300_000, 30_000, 3, 6), learnt()).findings).toEqual([]);
    const unjudged = learnt({ floorPercent: 50 });
    expect(Object.keys(unjudged.detectors)).toEqual(['i-1']);
    expect(
      scan([1_200, 1_250, 1_180], noisyAround(300_000, 30_000, 3, 6), unjudged, 300, { floorPercent: 50 })
        .findings,
    ).toEqual([]);
  });
});

describe("a group's newcomer starts from a sibling's outbound-traffic normal (decision 0063)", () => {
  const series = spaced(10_000);
  const settings = (detectors: DetectorStates) => ({
    detectors,
    floorPercent: 50,
    egressFloorBytesPerSecond: 1_000_000,
  });
  /** i-1 of group web after 300 points about 200 kB/s out and CPU about 20 %. */
  const veteran = () =>
    detectFaults(
      [
        obs({
          group: 'web',
          cpuUtilization: series(0, noisyAround(20, 3, 300, 7)),
          networkOut: series(0, noisyAround(200_000, 20_000, 300, 9)),
        }),
      ],
      {},
      new Set(),
      thresholds,
      NOW,
      settings({}),
    ).detectors ?? {};
  const withNewcomer = (
    detectors: DetectorStates,
    newcomer: Partial<InstanceObservation>,
    watermarks: Record<string, string> = {},
  ) =>
    detectFaults(
      [
        obs({
          group: 'web',
          cpuUtilization: series(300, noisyAround(20, 3, 3, 11)),
          networkOut: series(300, noisyAround(200_000, 20_000, 3, 13)),
        }),
        obs({ instanceId: 'i-new', group: 'web', ...newcomer }),
      ],
      watermarks,
      new Set(),
      thresholds,
      NOW,
      settings(detectors),
    );
  const leak = { cpuUtilization: series(300, [30, 31, 29]), networkOut: series(300, [12e6, 12.5e6, 11.8e6]) };

  test('a leak in its first minutes opens egress-surge, and says whose normal judged it', () => {
    const scan = withNewcomer(veteran(), leak);
    expect(scan.findings.map((f) => [f.resourceId, f.kind])).toEqual([['i-new', 'egress-surge']]);
    expect(scan.findings[0]?.summary).toMatch(
      /outbound traffic at 1\d\.\d MB\/s is outside its normal range.*too new for a normal of its own, it is judged by group web's, learnt on i-1/,
    );
    expect(scan.detectors?.['i-new/NetworkOut']?.inherited).toEqual({
      from: 'i-1',
      group: 'web',
      atIndex: 300,
    });
    // Its CPU is its own from the start: a booting instance runs hot, which the group's normal would call a fault.
    expect(scan.detectors?.['i-new']?.inherited).toBeUndefined();
    expect(scan.detectors?.['i-new']?.snapshot.index).toBe(3);
  });

  test('without a group, or with no sibling past its warm-up, the same leak goes unseen (the blind spot it closes)', () => {
    const alone = withNewcomer(veteran(), { ...leak, group: undefined });
    expect(alone.findings).toEqual([]);
    const young =
      detectFaults(
        [obs({ group: 'web', networkOut: series(0, noisyAround(200_000, 20_000, 100, 9)) })],
        {},
        new Set(),
        thresholds,
        NOW,
        settings({}),
      ).detectors ?? {};
    expect(withNewcomer(young, leak).findings).toEqual([]);
  });

  test('ordinary traffic raises nothing, and after a warm-up of its own points the normal is its own', () => {
    const quiet = withNewcomer(veteran(), { networkOut: series(300, noisyAround(210_000, 20_000, 3, 17)) });
    expect(quiet.findings).toEqual([]);
    const state = quiet.detectors?.['i-new/NetworkOut'];
    expect(state?.inherited).toBeDefined();
    const later = detectFaults(
      [
        obs({
          instanceId: 'i-new',
          group: 'web',
          networkOut: series(303, noisyAround(210_000, 20_000, 150, 19)),
        }),
      ],
      {},
      new Set(),
      thresholds,
      NOW,
      settings({ 'i-new/NetworkOut': state! }),
    );
    expect(later.findings).toEqual([]);
    expect(later.detectors?.['i-new/NetworkOut']?.inherited).toBeUndefined();
    expect(later.detectors?.['i-new/NetworkOut']?.snapshot.index).toBe(453);
  });

  test('the sibling is chosen by points seen, then by id, whatever the listing order', () => {
    const snapshot = (index: number) => ({ ...new StreamingDetector().snapshot(), index });
    const snapshots: Record<string, DetectorSnapshot> = {
      'i-b': snapshot(400),
      'i-a': snapshot(400),
      'i-c': snapshot(900),
      'i-d': snapshot(120),
    };
    const members = [
      { instanceId: 'i-b', group: 'web' },
      { instanceId: 'i-a', group: 'web' },
      { instanceId: 'i-c', group: 'api' },
      { instanceId: 'i-d', group: 'db' },
      { instanceId: 'i-e' },
    ];
    for (const order of [members, [...members].reverse()]) {
      const donors = donorsByGroup(order, (id) => snapshots[id], 150);
      expect([...donors.entries()].map(([g, d]) => [g, d.instanceId]).sort()).toEqual([
        ['api', 'i-c'],
        ['web', 'i-a'],
      ]);
    }
    // The sibling's own alarm aftermath stays with it.
    const busy = { ...snapshot(400), quietUntil: 420, quietUntilMs: 1, faultHeldUntil: 2, previous: 9 };
    expect(inheritedSnapshot(busy)).toEqual({ ...snapshot(400), quietUntil: 0 });
  });
});

describe('latency', () => {
  const at = (s: number) => `2026-11-26T10:00:${String(s).padStart(2, '0')}.000Z`;
  const obs = (values: number[]) => ({
    instanceId: 'i-slow',
    state: 'running',
    statusCheckFailed: [],
    cpuUtilization: [],
    latencyP99: values.map((value, i) => ({ at: at(i * 10), value })),
  });
  const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3, latencyHighMs: 1000 };

  test('sustained p99 above the threshold opens latency-high once; one slow datapoint does not', () => {
    const slow = detectFaults([obs([200, 1500, 1800, 2100])], {}, new Set(), thresholds, at(50));
    expect(slow.findings.map((f) => [f.kind, f.severity])).toEqual([['latency-high', 'high']]);
    const again = detectFaults(
      [obs([200, 1500, 1800, 2100])],
      slow.watermarks,
      new Set(),
      thresholds,
      at(50),
    );
    expect(again.findings).toEqual([]);
    expect(detectFaults([obs([200, 200, 200, 5000])], {}, new Set(), thresholds, at(50)).findings).toEqual(
      [],
    );
  });
});

describe('unexpected termination', () => {
  test('a terminated fleet member is reported once', () => {
    const gone = { instanceId: 'i-gone', state: 'terminated', statusCheckFailed: [], cpuUtilization: [] };
    const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3 };
    const first = detectFaults([gone], {}, new Set(), thresholds, '2026-11-26T10:00:00.000Z');
    expect(first.findings.map((f) => f.kind)).toEqual(['instance-terminated']);
    expect(
      detectFaults([gone], first.watermarks, new Set(), thresholds, '2026-11-26T10:01:00.000Z').findings,
    ).toEqual([]);
  });
});

describe('carried state', () => {
  test('an instance gone from the fleet listing takes its watermarks and detectors with it', () => {
    const snapshot = new StreamingDetector().snapshot();
    const carried = {
      'i-gone': { snapshot, fedUpTo: NOW },
      'i-gone/LatencyP99': { snapshot, fedUpTo: NOW },
      'i-1': { snapshot, fedUpTo: NOW },
    };
    const marks = { 'i-gone/status-check-failed': NOW, 'i-1/cpu-high': NOW };
    const scan = detectFaults([obs()], marks, new Set(), thresholds, NOW, {
      detectors: carried,
      floorPercent: 50,
    });
    expect(Object.keys(scan.detectors ?? {})).toEqual(['i-1']);
    expect(scan.watermarks).toEqual({ 'i-1/cpu-high': NOW });
    // An empty listing (a glitch, or a fleet being rebuilt) forgets nothing.
    const empty = detectFaults([], marks, new Set(), thresholds, NOW, {
      detectors: carried,
      floorPercent: 50,
    });
    expect(Object.keys(empty.detectors ?? {}).sort()).toEqual(['i-1', 'i-gone', 'i-gone/LatencyP99']);
    expect(empty.watermarks).toEqual(marks);
  });
});
