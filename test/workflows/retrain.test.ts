import { createModelStore, type ModelStore } from '../../activities/model-store';
import { TASK_QUEUES } from '../../domain/config';
import { retrainScheduleId } from '../../domain/ids';
import { modelCommand, scheduleCommand } from '../../cli/models';
import { retrainModelWorkflow, type RetrainResult } from '../../workflows/retrain';
import { eventually, testConfig } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

const bucket = `medic-models-test-${process.pid}`;
let h: MedicHarness;
let store: ModelStore;

beforeAll(async () => {
  h = await startHarness('retrain', { MEDIC_MODEL_BUCKET: bucket });
  store = createModelStore(h.aws.s3, bucket);
}, 120_000);

afterAll(async () => h?.teardown());

async function retrain(model: string, minimumGain?: number): Promise<RetrainResult> {
  return h.env.client.workflow.execute(retrainModelWorkflow, {
    taskQueue: TASK_QUEUES.learning,
    workflowId: `retrain-test-${model}-${Date.now()}-${Math.random()}`,
    args: [{ model, examples: 300, minimumGain }],
  });
}

const withClient = <T>(fn: (c: typeof h.env.client) => Promise<T>) => fn(h.env.client);

describe('model registry and retraining', () => {
  test('the first trained version is promoted and stored with its training range and metrics', async () => {
    const result = await retrain('rootcause');
    expect(result.promoted).toBe(true);
    expect(result.active).toBeUndefined();
    const active = await store.getActive('rootcause');
    expect(active?.version).toBe(result.candidate.version);
    const artifact = await store.getVersion('rootcause', result.candidate.version);
    expect(artifact?.training.examples).toBe(300);
    expect(artifact?.metrics.top1).toBeCloseTo(result.candidate.score, 10);
    expect(artifact?.metrics.top1).toBeGreaterThan(0.6);
    expect(artifact?.parentVersion).toBeUndefined();
  });

  test('a candidate that is not better than the active version is kept but not promoted', async () => {
    const before = await store.getActive('rootcause');
    const result = await retrain('rootcause', 1);
    expect(result.promoted).toBe(false);
    expect(result.active?.version).toBe(before?.version);
    expect((await store.getActive('rootcause'))?.version).toBe(before?.version);
    // Stored for the record, with the active version as its parent.
    expect((await store.getVersion('rootcause', result.candidate.version))?.parentVersion).toBe(
      before?.version,
    );
  });

  test('rollback restores the previous active version, and fails clearly when there is none', async () => {
    const config = testConfig({ MEDIC_MODEL_BUCKET: bucket });
    const first = await retrain('remediation-policy');
    expect(first.promoted).toBe(true);
    await expect(
      modelCommand('rollback', ['--model', 'remediation-policy'], config, withClient),
    ).rejects.toThrow(/no earlier version/);
    const second = await retrain('remediation-policy', -1);
    expect(second.promoted).toBe(true);
    expect((await store.getActive('remediation-policy'))?.history).toEqual([first.candidate.version]);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await modelCommand('rollback', ['--model', 'remediation-policy'], config, withClient);
    } finally {
      log.mockRestore();
    }
    const active = await store.getActive('remediation-policy');
    expect(active?.version).toBe(first.candidate.version);
    expect(active?.history).toEqual([]);
  });

  test('a Temporal Schedule retrains on demand: the run trains a new candidate against the active version', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await scheduleCommand(
        'create',
        ['retrain', '--model', 'rootcause', '--every', '24h', '--examples', '200'],
        withClient,
      );
      const id = retrainScheduleId('rootcause');
      const description = await h.env.client.schedule.getHandle(id).describe();
      expect(description.spec.intervals?.[0]?.every).toBe(24 * 3600 * 1000);
      const before = (await store.getActive('rootcause'))?.version;
      await scheduleCommand('trigger', ['--id', id], withClient);
      const run = await eventually(
        async () => (await h.env.client.schedule.getHandle(id).describe()).info.recentActions[0]?.action,
        30_000,
        'a scheduled run',
      );
      const result = (await h.env.client.workflow
        .getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId)
        .result()) as RetrainResult;
      expect(result.active?.version).toBe(before);
      expect(result.candidate.version).not.toBe(before);
      await scheduleCommand('pause', ['--id', id], withClient);
      expect((await h.env.client.schedule.getHandle(id).describe()).state.paused).toBe(true);
      await scheduleCommand('delete', ['--id', id], withClient);
    } finally {
      log.mockRestore();
    }
  });

  test('an unknown model is refused before anything starts', async () => {
    await expect(
      scheduleCommand('create', ['retrain', '--model', 'gpt', '--every', '24h'], withClient),
    ).rejects.toThrow(/--model must be one of rootcause, remediation-policy/);
  });
});
