import { DEFAULT_DETECTOR_PARAMS } from '../../domain/anomaly/detector';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectorTrainingData, retrainingBlocker } from '../../activities/learning';
import { generateLabelledSet, isHeldOutFile, SERIES_POINTS } from '../../domain/anomaly/labelled-series';
import { writeLabelledFolder } from '../support/labelled-folder';
import { STANDARD_PROFILE } from '../../domain/anomaly/nab-score';
import {
  detectorParamsFrom,
  profileForPrecision,
  scoreDetector,
  tuneDetector,
} from '../../domain/anomaly/tuning';
import { fleetEvidenceFor, MIN_PRECISION_SAMPLES } from '../../domain/models/fleet-evidence';
import type { ClosedIncident } from '../../domain/models/monitoring';
import { seededRandom } from '../../domain/random';

describe('labelled series for training the detector', () => {
  const set = generateLabelledSet(seededRandom(7), 100);

  test('the same seed gives the same series, another seed other ones', () => {
    expect(generateLabelledSet(seededRandom(7), 100)).toEqual(set);
    expect(generateLabelledSet(seededRandom(8), 5)[0]?.values).not.toEqual(set[0]?.values);
  });

  test('CPU-like: half a day of minute points in 0..100, most with one fault inside its window', () => {
    for (const s of set) {
      expect(s.values).toHaveLength(SERIES_POINTS);
      expect(Math.min(...s.values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...s.values)).toBeLessThanOrEqual(100);
      expect(s.windows.length).toBe(/-(spike|level-shift|runaway|jitter)$/.test(s.name) ? 1 : 0);
    }
    const faulty = set.filter((s) => s.windows.length > 0).length / set.length;
    expect(faulty).toBeGreaterThan(0.6);
    expect(faulty).toBeLessThan(0.9);
  });
});

describe('tuning the detector', () => {
  // Small sets: numeric loops run many times slower inside jest's sandbox than in `make eval`.
  const training = generateLabelledSet(seededRandom(1), 40);
  const heldOut = generateLabelledSet(seededRandom(2), 60);

  test('the tuned setting beats the shipped one on held-out series, and a deaf one scores nothing', () => {
    const tuned = tuneDetector(training, STANDARD_PROFILE);
    const shipped = scoreDetector(DEFAULT_DETECTOR_PARAMS, heldOut);
    expect(scoreDetector(tuned.params, heldOut)).toBeGreaterThan(shipped);
    expect(shipped).toBeGreaterThan(40);
    expect(scoreDetector({ ...DEFAULT_DETECTOR_PARAMS, threshold: 1.01 }, heldOut)).toBe(0);
  });

  test('progress is reported to the end', () => {
    const seen: number[] = [];
    tuneDetector(training.slice(0, 10), STANDARD_PROFILE, (f) => seen.push(f));
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  test('false alarms cost more the less precise the detector has been on the fleet', () => {
    expect(profileForPrecision(undefined).fp).toBeCloseTo(0.11);
    expect(profileForPrecision(1).fp).toBeCloseTo(0.11);
    expect(profileForPrecision(0.5).fp).toBeCloseTo(0.22);
    expect(profileForPrecision(0.1).fp).toBeCloseTo(0.22);
    // A trigger-happy setting loses more under the heavier false-alarm weight than a calm one.
    const jumpy = { ...DEFAULT_DETECTOR_PARAMS, threshold: 0.3, zFloor: 2 };
    const loss = (p: typeof jumpy) =>
      scoreDetector(p, heldOut) - scoreDetector(p, heldOut, profileForPrecision(0.5));
    expect(loss(jumpy)).toBeGreaterThan(loss(DEFAULT_DETECTOR_PARAMS));
  });

  test('stored parameters are read back only when sane', () => {
    expect(detectorParamsFrom({ threshold: 0.5, zFloor: 5, ratio: 1 })).toEqual({
      ...DEFAULT_DETECTOR_PARAMS,
      threshold: 0.5,
      zFloor: 5,
      ratio: 1,
    });
    expect(detectorParamsFrom({ threshold: '0.5', zFloor: 5, ratio: 1 })).toBeUndefined();
    expect(detectorParamsFrom({ threshold: 2, zFloor: 5, ratio: 1 })).toBeUndefined();
    expect(detectorParamsFrom(null)).toBeUndefined();
  });
});

describe('what the fleet tells retraining', () => {
  const incident = (i: number, real: boolean): ClosedIncident => ({
    id: `inc-${i}`,
    kind: 'cpu-high',
    source: 'detector:web',
    detectorVersion: 'streaming-detector-10',
    status: real ? 'resolved' : 'declined',
    steps: real ? [{ action: 'reboot-instance', outcome: 'succeeded' }] : [],
  });

  test("the detector's precision, once there are enough of its incidents", () => {
    const closed = Array.from({ length: MIN_PRECISION_SAMPLES }, (_, i) => incident(i, i % 4 === 0));
    expect(fleetEvidenceFor('detector', closed).detectorPrecision).toBeCloseTo(3 / 10);
    expect(fleetEvidenceFor('detector', closed.slice(1))).toEqual({});
    expect(fleetEvidenceFor('rootcause', closed)).toEqual({});
    expect(fleetEvidenceFor('remediation-policy', closed).experience).toHaveLength(3);
  });
});

describe("the detector's training data", () => {
  const dir = mkdtempSync(join(tmpdir(), 'medic-labelled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a labelled folder reads back as the series written, a third of the files held out', async () => {
    const written = generateLabelledSet(seededRandom(3), 30);
    writeLabelledFolder(dir, written);
    const { labelledSeries, dataset } = await detectorTrainingData(dir);
    expect(dataset).toBe(dir);
    expect(labelledSeries).toHaveLength(30);
    const byName = new Map(written.map((s) => [`synthetic/${s.name}.csv`, s]));
    for (const read of labelledSeries ?? []) {
      const original = byName.get(read.name);
      expect(read.windows).toEqual(original?.windows);
      expect(read.values).toEqual(original?.values);
      expect(read.pointsPerDay).toBe(1440);
    }
    const heldOut = (labelledSeries ?? []).filter((s) => isHeldOutFile(s.name)).length;
    expect(heldOut).toBeGreaterThan(3);
    expect(heldOut).toBeLessThan(20);
  });

  test('no setting, or a folder that is not labelled, is an error that says what to set', async () => {
    await expect(detectorTrainingData(undefined)).rejects.toThrow(/set MEDIC_DETECTOR_DATASET/);
    await expect(detectorTrainingData(join(dir, 'missing'))).rejects.toThrow(/is not a labelled folder/);
    expect(await detectorTrainingData('synthetic')).toEqual({ dataset: 'synthetic' });
  });

  test('the model monitor hears why the detector cannot be retrained here; other models are never blocked', async () => {
    expect(await retrainingBlocker('detector', undefined)).toMatch(/set MEDIC_DETECTOR_DATASET/);
    expect(await retrainingBlocker('detector', join(dir, 'missing'))).toMatch(/is not a labelled folder/);
    expect(await retrainingBlocker('detector', 'synthetic')).toBeUndefined();
    expect(await retrainingBlocker('detector', dir)).toBeUndefined();
    expect(await retrainingBlocker('detector', 'fleet', async () => [])).toMatch(
      /^MEDIC_DETECTOR_DATASET=fleet: the fleet has 0 answered series \(0 confirmed faults\)/,
    );
    expect(await retrainingBlocker('remediation-policy', undefined)).toBeUndefined();
  });
});
