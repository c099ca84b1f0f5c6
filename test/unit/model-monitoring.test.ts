import {
  belowFloor,
  describeSamples,
  forecastQuality,
  measureModelQuality,
  parseQualityFloors,
  type ClosedIncident,
} from '../../domain/models/monitoring';

const incident = (over: Partial<ClosedIncident>): ClosedIncident => ({
  id: 'incident-x',
  kind: 'cpu-high',
  source: 'detector:web',
  detectorVersion: 'streaming-detector-10',
  status: 'resolved',
  steps: [{ action: 'reboot-instance', outcome: 'succeeded' }],
  ...over,
});

describe('live model quality', () => {
  test('detector precision counts real findings; nothing to fix, declines and "not resolved" count against it', () => {
    const quality = measureModelQuality([
      incident({}),
      incident({ steps: [] }),
      incident({ status: 'declined', steps: [] }),
      incident({ feedback: { resolved: false, rating: 1 } }),
      incident({ source: 'api' }),
    ]);
    expect(quality.find((q) => q.model === 'detector')).toEqual({
      model: 'detector',
      measure: 'precision',
      value: 0.25,
      samples: 4,
    });
  });

  test('an alarm escalated or failed without an answer counts neither way; with one, the answer decides', () => {
    const surge = { kind: 'traffic-surge', steps: [] };
    const quality = measureModelQuality([
      incident({}),
      // Real surges with no capacity to add: a person decides, and has not said it was a false alarm.
      incident({ ...surge, status: 'escalated' }),
      incident({ ...surge, status: 'escalated' }),
      incident({ status: 'failed', steps: [{ action: 'reboot-instance', outcome: 'failed' }] }),
      // Answered: the answer counts as it does for every other outcome.
      incident({ ...surge, status: 'escalated', detectionVerdict: 'expected' }),
      incident({ ...surge, status: 'escalated', detectionVerdict: 'fault' }),
      incident({ ...surge, status: 'escalated', feedback: { resolved: false, rating: 1 } }),
    ]);
    expect(quality.find((q) => q.model === 'detector')).toMatchObject({ value: 2 / 4, samples: 4 });
  });

  test("only the streaming detector's own alarms judge it: not the loop's rules, its CPU backstop or forecasts", () => {
    const quality = measureModelQuality([
      incident({}),
      // Declined, but nothing the detector judged: a stopped instance and failing status checks are
      // seen by rule, the backstop (CPU over its fixed threshold) carries no detector version, and a
      // disk filling is a trend forecast.
      incident({ kind: 'instance-stopped', status: 'declined', steps: [] }),
      incident({ kind: 'status-check-failed', status: 'declined', steps: [] }),
      incident({ detectorVersion: undefined, status: 'declined', steps: [] }),
      incident({ kind: 'disk-filling', status: 'declined', steps: [] }),
      incident({ kind: 'latency-high', status: 'declined', steps: [] }),
    ]);
    expect(quality.find((q) => q.model === 'detector')).toMatchObject({ value: 0.5, samples: 2 });
  });

  test('a person\'s "was this alarm expected?" decides the detector\'s precision over how the incident ended', () => {
    const quality = measureModelQuality([
      // Rebooted and verified during a weekly peak, then called expected: a false alarm.
      incident({ detectionVerdict: 'expected' }),
      // Declined (nothing to do by hand) but called a fault: the detector was right.
      incident({ status: 'declined', steps: [], detectionVerdict: 'fault' }),
      // "Not resolved" says nothing against a detection someone confirmed.
      incident({ feedback: { resolved: false, rating: 1 }, detectionVerdict: 'fault' }),
      incident({ status: 'declined', steps: [] }),
    ]);
    expect(quality.find((q) => q.model === 'detector')).toMatchObject({ value: 0.5, samples: 4 });
  });

  test('first-action success: the first step verified and no negative feedback, over incidents that acted', () => {
    const quality = measureModelQuality([
      incident({}),
      incident({
        steps: [
          { action: 'reboot-instance', outcome: 'not-verified' },
          { action: 'replace-instance', outcome: 'succeeded' },
        ],
      }),
      incident({ feedback: { resolved: true, rating: 2 } }),
      incident({ steps: [] }),
    ]);
    expect(quality.find((q) => q.model === 'remediation-policy')).toMatchObject({ value: 1 / 3, samples: 3 });
  });

  test("the demand forecaster's live accuracy weighs each scaling agent by the steps it measured, each error capped at 1", () => {
    const quality = forecastQuality([
      { mape: 0.1, measuredSteps: 30 },
      { mape: 3, measuredSteps: 10 },
      { measuredSteps: 0 },
    ]);
    expect(quality).toMatchObject({ model: 'demand-forecast', measure: 'forecast_accuracy', samples: 40 });
    expect(quality.value).toBeCloseTo(1 - (0.1 * 30 + 1 * 10) / 40, 10);
    expect(describeSamples(quality)).toBe('40 forecast steps');
    expect(forecastQuality([]).value).toBeUndefined();
    expect(describeSamples({ samples: 3 })).toBe('3 incidents');
  });

  test('no samples, no figure', () => {
    expect(measureModelQuality([]).map((q) => q.value)).toEqual([undefined, undefined]);
  });

  test('only models below their floor over enough samples are retrained early', () => {
    const quality = [
      { model: 'remediation-policy', measure: 'first_action_success', value: 0.5, samples: 20 },
      { model: 'detector', measure: 'precision', value: 0.5, samples: 3 },
    ];
    const floors = parseQualityFloors('remediation-policy=0.8, detector=0.6');
    expect(belowFloor(quality, floors, 10).map((q) => [q.model, q.floor])).toEqual([
      ['remediation-policy', 0.8],
    ]);
    expect(belowFloor(quality, { 'remediation-policy': 0.4 }, 10)).toEqual([]);
    expect(() => parseQualityFloors('detector=2')).toThrow(/detector=2/);
    expect(() => parseQualityFloors('=0.5')).toThrow();
  });
});
