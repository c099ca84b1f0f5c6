import { activeDetectorOf, type ModelStore } from '../../activities/model-store';
import { DEFAULT_DETECTOR_PARAMS } from '../../domain/anomaly/detector';
import type { ActivePointer, ModelVersion } from '../../domain/models/registry';

/** The registry as the detection loop sees it, in memory; `failing` makes every read throw. */
function memoryStore() {
  const versions = new Map<string, ModelVersion>();
  let active: ActivePointer | undefined;
  const state = { failing: false, reads: 0 };
  const guard = () => {
    state.reads++;
    if (state.failing) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
  };
  const store: ModelStore = {
    ensureBucket: async () => undefined,
    putVersion: async (v) => (versions.set(v.version, v), v),
    getVersion: async (_model, version) => (guard(), versions.get(version)),
    listVersions: async () => [...versions.keys()],
    getActive: async () => (guard(), active),
    readActive: async () => (guard(), active && { pointer: active, etag: 'memory' }),
    setActive: async (p) => void (active = p),
  };
  const promoteVersion = async (version: string, parameters: unknown) => {
    await store.putVersion({
      model: 'detector',
      version,
      parameters,
      training: { seed: 1, examples: 1, heldOutSeed: 2 },
      metrics: {},
      createdAt: '2026-11-26T00:00:00Z',
    });
    await store.setActive({ model: 'detector', version, history: [], changedAt: '', reason: 'test' });
  };
  return { store, state, promoteVersion };
}

describe("the detection loop's view of the active detector", () => {
  test('none promoted: the shipped detector; a promotion is seen after the minute it is trusted for', async () => {
    const { store, state, promoteVersion } = memoryStore();
    let now = 0;
    const active = activeDetectorOf(store, () => now);
    expect(await active()).toBeUndefined();
    await promoteVersion('detector-a', { threshold: 0.5, zFloor: 5, ratio: 1 });
    now = 59_000;
    expect(await active()).toBeUndefined();
    const readsBefore = state.reads;
    now = 60_000;
    expect(await active()).toEqual({
      version: 'detector-a',
      params: { ...DEFAULT_DETECTOR_PARAMS, zFloor: 5, ratio: 1 },
    });
    expect(state.reads).toBeGreaterThan(readsBefore);
  });

  test('an unreadable registry keeps the last detector seen, and is read again at the next scan', async () => {
    const { store, state, promoteVersion } = memoryStore();
    await promoteVersion('detector-a', { threshold: 0.5, zFloor: 6, ratio: 0.8 });
    let now = 0;
    const active = activeDetectorOf(store, () => now);
    const seen = await active();
    expect(seen?.version).toBe('detector-a');
    state.failing = true;
    now = 120_000;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await active()).toEqual(seen);
      const reads = state.reads;
      expect(await active()).toEqual(seen);
      expect(state.reads).toBeGreaterThan(reads);
    } finally {
      warn.mockRestore();
    }
  });

  test('a stored version with parameters out of range is not used', async () => {
    const { store, promoteVersion } = memoryStore();
    await promoteVersion('detector-bad', { threshold: 7, zFloor: 'x', ratio: 1 });
    expect(await activeDetectorOf(store)()).toBeUndefined();
  });
});
