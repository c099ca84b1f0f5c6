import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/env';
import { HISTORIES_DIR } from '../support/histories';

const dir = HISTORIES_DIR;
const histories = readdirSync(dir).filter((f) => f.endsWith('.json'));

/**
 * Recorded incident histories must replay against today's workflow code: a change that would
 * break incidents already running fails here. Re-record with `make record-histories` only for
 * changes guarded by patched().
 */
describe('replay of recorded incident histories', () => {
  test('there are recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(2);
  });

  test.each(histories)('%s replays without non-determinism', async (file) => {
    // fromObject inverts the protobuf JSON the recorder wrote (enums by name, 64-bit ints as strings).
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(join(dir, file), 'utf8')),
    );
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file),
    ).resolves.toBeUndefined();
  });
});
