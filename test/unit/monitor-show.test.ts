import {
  formatMonitoredDetector,
  formatRunningMonitors,
  type MonitoredDetector,
} from '../../cli/monitor-show';
import { main } from '../../cli/main';
import type { IncidentDetail } from '../../api/incident-service';
import { carriedDetectors, detectorKeyOf, detectorKeyParts } from '../../domain/detection';
import { detectingFleet, formatterOf, metricOfKind, monitoredMetricNames } from '../../domain/monitor-view';
import { StreamingDetector } from '../../domain/anomaly/detector';
import { usualAt } from '../../domain/anomaly/usual';

/** Three weeks of one-minute CPU: 70 % from 09:05 to 17:00 on weekdays, a 02:00 backup at weekends. */
function weekdayServiceWithWeekendBackups(): StreamingDetector {
  const detector = new StreamingDetector();
  const monday = Date.UTC(2024, 0, 1);
  let seed = 3;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 21 * 1440; i++) {
    const [day, minute] = [Math.floor(i / 1440) % 7, i % 1440];
    const usual =
      day < 5 ? (minute >= 545 && minute < 1020 ? 70 : 20) : minute >= 120 && minute < 180 ? 85 : 20;
    detector.updateAt(usual + 4 * (random() - 0.5), monday + i * 60_000);
  }
  return detector;
}

describe('medic monitor show: what the fleet monitor takes for usual', () => {
  const view: MonitoredDetector = {
    fleet: 'shop',
    instanceId: 'i-0abc1234def567890',
    metric: 'cpu',
    fedUpTo: '2024-01-22T00:00:00.000Z',
    ...weekdayServiceWithWeekendBackups().describe(),
  };

  test('the working days by the hour, the weekend as odd days with a profile of their own', () => {
    const profile = view.profile;
    expect(profile?.proven).toBe(true);
    expect(profile?.hours[10]?.value).toBeCloseTo(70, -0.5);
    expect(profile?.hours[3]?.value).toBeCloseTo(20, -0.5);
    expect(profile?.weekdays?.map((w) => [w.day, w.odd])).toEqual([
      ['Mon', false],
      ['Tue', false],
      ['Wed', false],
      ['Thu', false],
      ['Fri', false],
      ['Sat', true],
      ['Sun', true],
    ]);
    expect(profile?.oddDays?.proven).toBe(true);
    expect(profile?.oddDays?.hours[2]?.value).toBeGreaterThan(60);
    expect(profile?.oddDays?.hours[10]?.value).toBeCloseTo(20, -0.5);
  });

  test('printed as a table of hours, the odd days in a column of their own', () => {
    const lines = formatMonitoredDetector(view).split('\n');
    expect(lines[0]).toBe(
      `i-0abc1234def567890 CPU as the monitor of fleet shop knows it: ${21 * 1440} points, the last at 2024-01-22T00:00:00.000Z`,
    );
    expect(lines).toContain('odd days (Sat, Sun): judges (learnt from 4 days)');
    expect(lines.find((l) => l.startsWith('days: '))).toMatch(
      /^days: Mon as usual \(\d+\.\d%\), .* Sat odd \(\d+\.\d%\), Sun odd/,
    );
    expect(lines.find((l) => l.startsWith('hour'))).toMatch(/^hour\s+usual\s+on Sat, Sun$/);
    expect(lines.find((l) => l.startsWith('10:00'))).toMatch(
      /^10:00\s+7\d\.\d% ± \d+\.\d%\s+(19|20|21)\.\d% ± /,
    );
    expect(lines.filter((l) => /^\d\d:00 /.test(l))).toHaveLength(24);
  });

  test("a newcomer's detector says whose normal it started from (decision 0063)", () => {
    const lines = formatMonitoredDetector({
      ...view,
      metric: 'egress',
      inherited: { from: 'i-0sibling', group: 'web-asg', atIndex: 30240 },
    }).split('\n');
    expect(lines[2]).toBe(
      "started from i-0sibling's normal (group web-asg) at point 30240: judged by it until it has a warm-up of its own points",
    );
    expect(formatMonitoredDetector(view)).not.toMatch(/started from/);
  });

  test('weekly routines are listed by their hour of the week', () => {
    const lines = formatMonitoredDetector({ ...view, weeklyRoutines: ['Fri 18:00', 'Sat 02:00'] }).split(
      '\n',
    );
    expect(lines).toContain(
      'weekly routines (not alarmed: each surprised the two weeks before, or a person said it is expected): Fri 18:00, Sat 02:00',
    );
  });

  test('a detector without a daily profile says what judges it', () => {
    const plain: MonitoredDetector = { ...view, profile: undefined };
    delete plain.profile;
    expect(formatMonitoredDetector(plain).split('\n').at(-1)).toMatch(
      /no daily profile .*judged by the recent level/,
    );
  });

  test('what is usual at a time: the working day on weekdays, the odd days’ own profile at weekends', () => {
    const profile = view.profile;
    if (!profile) throw new Error('no profile');
    const monday = Date.UTC(2024, 0, 22);
    const at = (day: number, hour: number) =>
      usualAt(profile, monday + day * 86_400_000 + hour * 3_600_000 + 1_800_000);
    expect(at(0, 10)?.value).toBeCloseTo(70, -0.5);
    expect(at(0, 2)?.value).toBeCloseTo(20, -0.5);
    // Saturday 02:30: the weekend's backup, from the odd days' profile; Saturday noon: quiet.
    expect(at(5, 2)?.value).toBeGreaterThan(60);
    expect(at(5, 12)?.value).toBeCloseTo(20, -0.5);
    // A profile that does not judge yet says nothing.
    expect(usualAt({ ...profile, proven: false }, monday + 10 * 3_600_000)).toBeUndefined();
  });

  test('the fleet of an incident the detector opened comes from its alert', () => {
    const incident = (sources: string[]) =>
      ({ alerts: sources.map((source) => ({ source, summary: '', at: '' })) }) as unknown as IncidentDetail;
    expect(detectingFleet(incident(['detector:shop']))).toBe('shop');
    expect(detectingFleet(incident(['api', 'detector:web-eu']))).toBe('web-eu');
    expect(detectingFleet(incident(['api']))).toBeUndefined();
    expect(detectingFleet(incident(['detector:']))).toBeUndefined();
  });

  test("a carried detector's key names its instance and metric, both ways, and the list is in key order", () => {
    for (const metric of ['cpu', 'latency', 'network'] as const)
      expect(detectorKeyParts(detectorKeyOf('i-0abc1234def567890', metric))).toEqual({
        instanceId: 'i-0abc1234def567890',
        metric,
      });
    const state = (points: number) => {
      const detector = new StreamingDetector();
      for (let i = 0; i < points; i++) detector.update(20 + (i % 3));
      return { snapshot: detector.snapshot(), fedUpTo: `2024-01-01T00:0${points}:00.000Z` };
    };
    expect(
      carriedDetectors({
        'i-0b/LatencyP99': state(2),
        'i-0b': state(3),
        'i-0a': state(4),
        'i-0a/NetworkIn': state(5),
      }).map((c) => [c.key, c.points]),
    ).toEqual([
      ['i-0a', 4],
      ['i-0a/NetworkIn', 5],
      ['i-0b', 3],
      ['i-0b/LatencyP99', 2],
    ]);
    expect(detectorKeyParts('i-0a/NetworkIn')).toEqual({ instanceId: 'i-0a', metric: 'network' });
    expect(carriedDetectors(undefined)).toEqual([]);
    expect([
      metricOfKind('cpu-high'),
      metricOfKind('latency-high'),
      metricOfKind('traffic-surge'),
      metricOfKind('egress-surge'),
      metricOfKind('request-surge'),
      metricOfKind('instance-stopped'),
    ]).toEqual(['cpu', 'latency', 'network', 'egress', 'requests', undefined]);
    expect(detectorKeyParts('i-0a/RequestCount')).toEqual({ instanceId: 'i-0a', metric: 'requests' });
    // A 409 for an incident no detector opened names every detector a person can answer about.
    expect(monitoredMetricNames()).toBe(
      'CPU, p99 latency, inbound traffic, outbound traffic or request rate',
    );
  });

  test('each metric is written in its own unit; traffic in decimal rates, as it is quoted', () => {
    expect(formatterOf('cpu')(21)).toBe('21.0%');
    expect(formatterOf('latency')(120.4)).toBe('120 ms');
    expect([512, 1_500, 10_000_000, 2.5e9, 5e12].map(formatterOf('network'))).toEqual([
      '512 B/s',
      '1.5 kB/s',
      '10.0 MB/s',
      '2.5 GB/s',
      '5000.0 GB/s',
    ]);
    expect([0.25, 12.5, 99.94, 1_250.4].map(formatterOf('requests'))).toEqual([
      '0.3 requests/s',
      '12.5 requests/s',
      '99.9 requests/s',
      '1250 requests/s',
    ]);
  });

  test('medic monitor list: each monitor with its series, one that did not answer, none running', () => {
    const text = formatRunningMonitors([
      {
        fleet: 'shop',
        runStartedAt: '2024-01-01T00:00:00.000Z',
        series: [
          {
            instanceId: 'i-0abc1234def567890',
            metric: 'cpu',
            points: 11520,
            fedUpTo: '2024-01-09T00:00:00.000Z',
          },
          {
            instanceId: 'i-0abc1234def567890',
            metric: 'latency',
            points: 40,
            fedUpTo: '2024-01-09T00:00:00.000Z',
          },
          {
            instanceId: 'i-0abc1234def567890',
            metric: 'network',
            points: 1080,
            fedUpTo: '2024-01-09T00:00:00.000Z',
          },
        ],
      },
      { fleet: 'web', runStartedAt: '2024-01-02T00:00:00.000Z', series: null },
      { fleet: 'new', runStartedAt: '2024-01-03T00:00:00.000Z', series: [] },
    ]).split('\n');
    expect(text).toEqual([
      'fleet shop (its current run started at 2024-01-01T00:00:00.000Z)',
      '  i-0abc1234def567890  CPU                 11520 points, the last at 2024-01-09T00:00:00.000Z',
      '  i-0abc1234def567890  p99 latency            40 points, the last at 2024-01-09T00:00:00.000Z',
      '  i-0abc1234def567890  inbound traffic      1080 points, the last at 2024-01-09T00:00:00.000Z',
      'fleet web (its current run started at 2024-01-02T00:00:00.000Z); the monitor did not answer (its worker may be down)',
      'fleet new (its current run started at 2024-01-03T00:00:00.000Z); no detector yet (no datapoints read)',
    ]);
    expect(formatRunningMonitors([])).toBe('no fleet monitor is running (medic monitor start --fleet NAME)');
  });

  test('medic monitor list: a monitor whose fleet lists no instances says so and how to end it', () => {
    const series = [
      {
        instanceId: 'i-0abc1234def567890',
        metric: 'cpu' as const,
        points: 29,
        fedUpTo: '2024-01-09T00:00:00.000Z',
      },
    ];
    const gone = { fleet: 'demo-old', runStartedAt: '2024-01-01T00:00:00.000Z', series };
    expect(formatRunningMonitors([{ ...gone, instancesInFleet: 0 }]).split('\n')).toEqual([
      'fleet demo-old (its current run started at 2024-01-01T00:00:00.000Z)',
      '  i-0abc1234def567890  CPU                    29 points, the last at 2024-01-09T00:00:00.000Z',
      "  fleet demo-old lists no instances now (emptied, or gone with the emulator's state); its detectors are kept until it lists some again. medic monitor stop --fleet demo-old ends the monitor.",
    ]);
    // Instances listed, or the fleet not read: no note.
    expect(formatRunningMonitors([{ ...gone, instancesInFleet: 1 }])).not.toMatch(/lists no instances/);
    expect(formatRunningMonitors([gone])).not.toMatch(/lists no instances/);
  });

  test('an instance id that is not one is a usage error naming the flag, before any server is asked', async () => {
    const errors: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    expect(await main(['monitor', 'show', '--instance', 'web-1'])).toBe(2);
    expect(errors.join('\n')).toContain('--instance must be an EC2 instance id');
    expect(
      await main(['monitor', 'show', '--instance', 'i-0abc1234def567890', '--latency', '--network']),
    ).toBe(2);
    expect(errors.join('\n')).toContain('--latency and --network: give one metric, not several');
    jest.restoreAllMocks();
  });
});
