import { createFleet } from '../../activities/fleet';
import { createModelStore } from '../../activities/model-store';
import { SHIPPED_ROOT_CAUSE_MODEL } from '../../domain/rootcause/ranking';
import type { IncidentReport } from '../../domain/incident';
import { decisionUpdate } from '../../workflows/messages';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;

const BUCKET = `medic-rc-models-${process.pid}`;

beforeAll(async () => {
  h = await startHarness('root-cause', { MEDIC_MODEL_BUCKET: BUCKET });
  // The registry's active version is the one that ranks (same weights, its own name).
  const store = createModelStore(h.aws.s3, BUCKET);
  await store.ensureBucket();
  await store.putVersion({
    model: 'rootcause',
    version: 'rootcause-promoted-7',
    parameters: SHIPPED_ROOT_CAUSE_MODEL,
    training: { seed: 7, examples: 3000, heldOutSeed: 8 },
    metrics: { top1: 0.9 },
    createdAt: new Date().toISOString(),
  });
  await store.setActive({
    model: 'rootcause',
    version: 'rootcause-promoted-7',
    history: [],
    changedAt: new Date().toISOString(),
    reason: 'test',
  });
}, 120_000);

afterAll(async () => h?.teardown());

describe('root-cause ranking in the incident', () => {
  test('when several instances of a fleet alarm together, the incident ranks the likely cause and names the model', async () => {
    const fleet = `rc-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 3, manualCount: 3 });
    const ids = instances.map((i) => i.instanceId);
    const handles = [];
    for (const instanceId of ids) {
      const handle = await h.open({
        resourceId: instanceId,
        kind: 'restart-requested',
        source: 'detector:rc',
      });
      handles.push(await h.stateWhen(handle, 'awaiting_approval').then(() => handle));
    }
    const first = await h.stateWhen(handles[0], 'awaiting_approval');
    const last = await h.stateWhen(handles[2], 'awaiting_approval');
    // Alone when it opened: nothing to rank. The third one opened beside two others.
    expect(first.rootCause).toBeUndefined();
    expect(last.rootCause?.alarming).toEqual([...ids].sort());
    expect(last.rootCause?.top).toHaveLength(3);
    expect(last.rootCause?.modelVersion).toBe('rootcause-promoted-7');
    expect(last.models).toMatchObject({
      detector: 'streaming-detector-2',
      rootcause: last.rootCause?.modelVersion,
    });
    expect(
      last.timeline.some((t) => t.message.startsWith(`Root-cause ranking (${last.rootCause?.modelVersion})`)),
    ).toBe(true);

    for (const handle of handles)
      await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'ops' }] });
    const report = (await handles[2].result()) as IncidentReport;
    expect(report.rootCause?.top[0]?.resource).toBe(last.rootCause?.top[0]?.resource);
    expect(report.models?.rootcause).toBe(last.rootCause?.modelVersion);
  });
});
