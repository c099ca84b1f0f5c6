import { detectFaults, type InstanceObservation } from '../../domain/detection';
import {
  coveringWindow,
  maintenanceKey,
  MAINTENANCE_PREFIX,
  windowTimes,
  type MaintenanceWindow,
} from '../../domain/maintenance-window';
import { maintenanceRequestSchema } from '../../api/schemas';
import { cachedMaintenanceStore, type MaintenanceStore } from '../../activities/maintenance-store';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const window = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: 'mw-0123456789ab',
  resources: ['i-1'],
  startsAt: new Date(T0).toISOString(),
  endsAt: new Date(T0 + 2 * 3_600_000).toISOString(),
  reason: 'kernel patch',
  createdBy: 'alice',
  createdAt: new Date(T0).toISOString(),
  ...over,
});

describe('maintenance windows (decision 0064)', () => {
  test('cover their instances, or their fleet, only between start and end', () => {
    const byId = window();
    const byFleet = window({ id: 'mw-ffffffffffff', resources: [], fleet: 'web' });
    const within = T0 + 60_000;
    expect(coveringWindow([byId], { resourceId: 'i-1' }, within)).toBe(byId);
    expect(coveringWindow([byId], { resourceId: 'i-2' }, within)).toBeUndefined();
    expect(coveringWindow([byId], { resourceId: 'i-1' }, T0 - 1)).toBeUndefined();
    expect(coveringWindow([byId], { resourceId: 'i-1' }, T0 + 2 * 3_600_000)).toBeUndefined();
    expect(coveringWindow([byFleet], { resourceId: 'i-9', fleet: 'web' }, within)).toBe(byFleet);
    expect(coveringWindow([byFleet], { resourceId: 'i-9', fleet: 'api' }, within)).toBeUndefined();
    expect(coveringWindow([byFleet], { resourceId: 'i-9' }, within)).toBeUndefined();
  });

  test('are kept under their end, so a listing from now finds only those not over', () => {
    const early = maintenanceKey(window({ endsAt: '2026-11-28T11:00:00.000Z' }));
    const late = maintenanceKey(window({ endsAt: '2026-11-28T13:00:00.000Z' }));
    const now = `${MAINTENANCE_PREFIX}2026-11-28T12:00:00.000Z`;
    expect([early > now, late > now]).toEqual([false, true]);
  });

  test('start now unless later, and last their duration', () => {
    expect(windowTimes({ durationMinutes: 90 }, T0)).toEqual({
      startsAt: '2026-11-28T10:00:00.000Z',
      endsAt: '2026-11-28T11:30:00.000Z',
    });
    expect(windowTimes({ startsAt: '2026-11-28T09:00:00.000Z', durationMinutes: 30 }, T0).startsAt).toBe(
      '2026-11-28T10:00:00.000Z',
    );
    expect(windowTimes({ startsAt: '2026-11-28T22:00:00+02:00', durationMinutes: 60 }, T0)).toEqual({
      startsAt: '2026-11-28T20:00:00.000Z',
      endsAt: '2026-11-28T21:00:00.000Z',
    });
  });

  test('a request names instances or a fleet, a reason, and at most a week', () => {
    const issues = (body: unknown) => {
      const parsed = maintenanceRequestSchema.safeParse(body);
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({ instances: ['i-0123456789abcdef0'], durationMinutes: 60, reason: 'patch' })).toEqual([]);
    expect(issues({ fleet: 'web', durationMinutes: 60, reason: 'patch' })).toEqual([]);
    expect(issues({ durationMinutes: 60, reason: 'patch' })).toEqual(['instances']);
    expect(issues({ fleet: 'web', durationMinutes: 7 * 24 * 60 + 1, reason: ' ' }).sort()).toEqual([
      'durationMinutes',
      'reason',
    ]);
    expect(
      issues({ instances: ['web-1'], durationMinutes: 5, reason: 'x', startsAt: 'tomorrow' }).sort(),
    ).toEqual(['instances.0', 'startsAt']);
  });
});

describe('the detection loop under a maintenance window', () => {
  const thresholds = { cpuHighPercent: 90, cpuWindowPoints: 3 };
  const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
  const obs = (over: Partial<InstanceObservation>): InstanceObservation => ({
    instanceId: 'i-1',
    state: 'running',
    statusCheckFailed: [],
    cpuUtilization: [],
    ...over,
  });
  const hot = [1, 2, 3].map((m) => ({ at: at(m), value: 97 }));
  const failing = [{ at: at(3), value: 1 }];

  /** One scan of instance i-1 at `minute`, under a window when `held`, from `watermarks`. */
  const scan = (
    o: InstanceObservation,
    minute: number,
    held: boolean,
    watermarks: Record<string, string> = {},
  ) =>
    detectFaults(
      [o],
      watermarks,
      new Set(),
      thresholds,
      at(minute),
      undefined,
      held ? new Set(['i-1']) : undefined,
    );

  test('reports nothing during it, nor afterwards what happened during it', () => {
    const faulty = obs({ cpuUtilization: hot, statusCheckFailed: failing });
    const during = scan(faulty, 4, true);
    expect(during.findings).toEqual([]);
    // The window is over; the same datapoints are still in the scan's lookback.
    expect(scan(faulty, 5, false, during.watermarks).findings).toEqual([]);
    // Without the window they were faults: the test can fail.
    expect(scan(faulty, 4, false).findings.map((f) => f.kind)).toEqual(['status-check-failed']);
  });

  test('an instance left stopped when the work is done is reported then', () => {
    const during = scan(obs({ state: 'stopped' }), 4, true);
    expect(during.findings).toEqual([]);
    expect(
      scan(obs({ state: 'stopped' }), 130, false, during.watermarks).findings.map((f) => f.kind),
    ).toEqual(['instance-stopped']);
  });

  test('its detectors skip the window: neither judged nor learnt', () => {
    const learnt = detectFaults(
      [
        obs({
          cpuUtilization: Array.from({ length: 200 }, (_, i) => ({ at: at(-200 + i), value: 20 + (i % 3) })),
        }),
      ],
      {},
      new Set(),
      thresholds,
      at(0),
      { detectors: {}, floorPercent: 50 },
    );
    const before = learnt.detectors?.['i-1'];
    const during = detectFaults(
      [obs({ cpuUtilization: [1, 2, 3].map((m) => ({ at: at(m), value: 75 })) })],
      learnt.watermarks,
      new Set(),
      thresholds,
      at(4),
      { detectors: learnt.detectors ?? {}, floorPercent: 50 },
      new Set(['i-1']),
    );
    expect(during.findings).toEqual([]);
    expect(during.detectors?.['i-1']?.snapshot).toEqual(before?.snapshot);
    expect(during.detectors?.['i-1']?.fedUpTo).toBe(at(4));
  });
});

describe("the API's view of the windows (decision 0064)", () => {
  /** A store in memory that counts its listings. */
  const counting = () => {
    const windows: MaintenanceWindow[] = [];
    const calls = { current: 0 };
    const store: MaintenanceStore = {
      put: async (w) => void windows.push(w),
      current: async () => (calls.current++, [...windows]),
      end: async (id) => windows.find((w) => w.id === id),
    };
    return { store, calls };
  };

  test('a storm of alerts reads the windows once per few seconds, and its own writes at once', async () => {
    let clock = T0;
    const { store, calls } = counting();
    const cached = cachedMaintenanceStore(store, 5_000, () => clock);
    const at = new Date(T0 + 60_000);
    for (let i = 0; i < 500; i++) await cached.current(at);
    expect(calls.current).toBe(1);
    await cached.put(window());
    expect(await cached.current(at)).toHaveLength(1);
    expect(calls.current).toBe(2);
    clock += 5_000;
    await cached.current(at);
    expect(calls.current).toBe(3);
    // A window that ended since the read is not returned.
    expect(await cached.current(new Date(T0 + 3 * 3_600_000))).toEqual([]);
  });
});
