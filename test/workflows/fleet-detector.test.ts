import { createFeedbackStore, type FeedbackStore } from '../../activities/feedback-store';
import { activeDetectorOf, createModelStore } from '../../activities/model-store';
import { TASK_QUEUES } from '../../domain/config';
import { retrainModelWorkflow, type RetrainResult } from '../../workflows/retrain';
import { SHIPPED_VERSION } from '../../domain/models/registry';
import { publishCpuHistory } from '../support/cpu-history';
import { startHarness, type MedicHarness } from '../support/harness';

/**
 * The detector retrained on the fleet's own answered detections (decision 0053): CloudWatch history
 * of the answered instances, labelled by what people said, through the real retraining workflow.
 */

const minute = 60_000;
let h: MedicHarness;
let answers: FeedbackStore;

beforeAll(async () => {
  h = await startHarness('fleet-detector', { MEDIC_DETECTOR_DATASET: 'fleet' });
  answers = createFeedbackStore(h.aws.s3, h.modelBucket, () =>
    createModelStore(h.aws.s3, h.modelBucket).ensureBucket(),
  );
}, 120_000);

afterAll(async () => h?.teardown());

const retrain = (): Promise<RetrainResult> =>
  h.env.client.workflow.execute(retrainModelWorkflow, {
    taskQueue: TASK_QUEUES.learning,
    workflowId: `retrain-fleet-detector-${Date.now()}`,
    args: [{ model: 'detector', examples: 300 }],
  });

/** Every message down a failure's causes: the activity's reason sits under the workflow's. */
function messages(err: unknown): string {
  const chain: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    chain.push(e.message ?? '');
  return chain.join(' / ');
}

/** Two days of one-minute CPU near 30 %, with half an hour at 85 % from `faultAt`. */
async function publishHistory(instanceId: string, faultAt: number, end: number): Promise<void> {
  const points = Array.from({ length: 2 * 1440 }, (_, i) => {
    const at = end - (2 * 1440 - i) * minute;
    const faulty = at >= faultAt && at < faultAt + 30 * minute;
    return { at, value: faulty ? 85 : 30 + ((i * 7) % 5) };
  });
  await publishCpuHistory(h.aws.cloudwatch, instanceId, points);
}

async function answer(instanceId: string, openedAt: number, verdict: 'fault' | 'expected'): Promise<void> {
  await answers.putVerdict({
    incidentId: `incident-${instanceId}-cpu-high-${openedAt}`,
    runId: 'run-1',
    verdict,
    fleet: 'fleet-detector',
    instanceId,
    metric: 'cpu',
    openedAt: new Date(openedAt).toISOString(),
    hourOfWeek: 'Fri 09:00',
    by: 'on-call',
    at: new Date().toISOString(),
  });
}

describe('the detector retrained on the fleet’s answered detections', () => {
  test('too few answers is a failure that says what is missing; enough trains and judges on the fleet’s own series', async () => {
    // Five days ago: the emulator scans every datapoint in a read's range for each minute of it, and
    // the other suites' metrics are recent (real CloudWatch has no such cost).
    const end = Math.floor(Date.now() / minute) * minute - 5 * 1440 * minute;
    const instances = [await h.newInstance(), await h.newInstance(), await h.newInstance()];
    const faults = instances.map((_, i) => end - (6 + 3 * i) * 60 * minute);
    for (const [i, instanceId] of instances.entries()) await publishHistory(instanceId, faults[i] ?? 0, end);

    // Two answered series: every third one is judged on, so none would be.
    await answer(instances[0] ?? '', (faults[0] ?? 0) + minute, 'fault');
    await answer(instances[1] ?? '', (faults[1] ?? 0) + minute, 'fault');
    const refused = await retrain().then(
      () => 'promoted',
      (err: unknown) => messages(err),
    );
    expect(refused).toMatch(
      /MEDIC_DETECTOR_DATASET=fleet: the fleet has 2 answered series \(2 confirmed faults\): the detector needs a confirmed fault/,
    );

    // A third answered fault, and an alarm someone called expected (a false alarm to avoid).
    await answer(instances[2] ?? '', (faults[2] ?? 0) + minute, 'fault');
    await answer(instances[0] ?? '', end - 30 * 60 * minute, 'expected');
    const result = await retrain();
    const store = createModelStore(h.aws.s3, h.modelBucket);
    const artifact = await store.getVersion('detector', result.candidate.version);
    expect(artifact?.training.dataset).toBe('fleet (3 answered series, 3 confirmed faults)');
    expect(artifact?.training.examples).toBe(2);
    // Judged on the held-out series' fault: found near its start, so well above "detects nothing".
    expect(result.candidate.score).toBeGreaterThan(50);
    // The shipped knobs are judged on the same held-out series, and promotion needs half a point more.
    expect(result.active?.version).toBe(SHIPPED_VERSION);
    expect(result.promoted).toBe(result.candidate.score > (result.active?.score ?? 100) + 0.5);
    expect((await activeDetectorOf(store)())?.version).toBe(
      result.promoted ? result.candidate.version : undefined,
    );
  }, 180_000);
});
