import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import type { TimelineEntry } from '../../domain/incident';
import { awsEndpoint, destroyAws, testAws } from '../support/env';
import { startCountingProxy } from '../support/counting-proxy';
import { freePort } from '../support/ports';
import { kill, startNodeProcess, startTemporalDevServer } from '../support/processes';

interface View {
  id: string;
  status: string;
  timeline?: TimelineEntry[];
  report?: { outcome: string };
}

/**
 * Temporal and the API are killed (SIGKILL) and started again on the same data while MANUAL
 * incidents wait for approval: approvals sent before the restart are not lost, approvals sent after
 * it apply exactly once, and each cloud side effect happens once.
 */
describe('Temporal and the API restart while incidents wait for approval', () => {
  const aws = testAws();
  const dataDir = mkdtempSync(join(tmpdir(), 'medic-restart-'));
  const dbFile = join(dataDir, 'temporal.db');
  let temporal: ChildProcess | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let temporalPort: number;
  let apiPort: number;

  const env = () => ({
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    AWS_ENDPOINT_URL: proxy.url,
    MEDIC_DATA_DIR: dataDir,
    MEDIC_API_PORT: String(apiPort),
    MEDIC_METRIC_PERIOD_SECONDS: '10',
    MEDIC_VERIFY_INTERVAL_SECONDS: '1',
    MEDIC_VERIFY_TIMEOUT_SECONDS: '10',
    MEDIC_MAX_CONCURRENT_REMEDIATIONS: '10',
    MEDIC_FLAP_COOLDOWN: '0',
  });
  const startApi = () => startNodeProcess(join('api', 'main.js'), env(), '"api listening"');

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  async function until(id: string, done: (v: View) => boolean): Promise<View> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const v = await call<View>('GET', `/incidents/${encodeURIComponent(id)}`).catch(() => undefined);
      if (v?.status === 200 && done(v.body)) return v.body;
      if (Date.now() > deadline) throw new Error(`${id}: ${JSON.stringify(v?.body?.status)} after 90 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    [temporalPort, apiPort] = await Promise.all([freePort(), freePort()]);
    proxy = await startCountingProxy(awsEndpoint());
    temporal = await startTemporalDevServer(temporalPort, dbFile);
    worker = await startNodeProcess(join('workers', 'main.js'), env(), '"worker started"');
    api = await startApi();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([kill(api), kill(worker), kill(temporal)]);
    await proxy?.close();
    destroyAws(aws);
  });

  test('no approval is lost and none applies twice', async () => {
    const { instances } = await createFleet(aws, {
      fleet: `restart-${process.pid}`,
      size: 4,
      manualCount: 4,
    });
    const chaos = createChaos(aws.ec2, aws.cloudwatch);
    for (const i of instances) await chaos.stopInstance(i.instanceId);
    const ids: string[] = [];
    for (const i of instances) {
      const created = await call<{ id: string }>('POST', '/incidents', {
        resourceId: i.instanceId,
        kind: 'instance-stopped',
        mode: 'manual',
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    for (const id of ids) await until(id, (v) => v.status === 'awaiting_approval');

    // Two approvals before the crash…
    for (const id of ids.slice(0, 2))
      expect(
        (await call('POST', `/incidents/${id}/decision`, { decision: 'approve', by: 'before' })).status,
      ).toBe(202);
    // …then Temporal and the API die mid-flight and come back on the same data.
    await Promise.all([kill(temporal), kill(api)]);
    temporal = await startTemporalDevServer(temporalPort, dbFile);
    api = await startApi();

    // Two approvals after the restart; a repeat of an earlier one is refused.
    for (const id of ids.slice(2))
      expect(
        (await call('POST', `/incidents/${id}/decision`, { decision: 'approve', by: 'after' })).status,
      ).toBe(202);
    expect(
      (await call('POST', `/incidents/${ids[0]}/decision`, { decision: 'approve', by: 'again' })).status,
    ).toBe(409);

    const finals = await Promise.all(ids.map((id) => until(id, (v) => v.report !== undefined)));
    expect(finals.map((v) => v.report?.outcome)).toEqual(['resolved', 'resolved', 'resolved', 'resolved']);
    for (const v of finals)
      expect(v.timeline?.filter((t) => t.message.startsWith('Decision approve')).length).toBe(1);
    for (const i of instances)
      expect(
        proxy.calls.filter(
          (c) => c.action === 'StartInstances' && !c.dryRun && c.instanceIds.includes(i.instanceId),
        ).length,
      ).toBe(1);
  });
});
