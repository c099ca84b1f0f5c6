import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { ROOT } from './env';

/** Where recorded histories live; `test/replay` replays each against today's workflow code. */
export const HISTORIES_DIR = join(ROOT, 'test', 'fixtures', 'histories');

/**
 * Saves a finished workflow's history as a replay fixture, only under `make record-histories`
 * (MEDIC_RECORD_HISTORIES=1): record with the code before a change, replay with the code after it.
 */
export async function saveHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.MEDIC_RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(history, null, 1)}\n`);
}
