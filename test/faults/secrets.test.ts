import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { awsEndpoint, destroyAws, eventually, testAws } from '../support/env';
import { freePort } from '../support/ports';
import { kill, outputOf, startNodeProcess, startTemporalDevServer } from '../support/processes';

/**
 * Secrets configured into the worker and the API — the admin token, the payload encryption key and a
 * webhook URL whose path is a credential — never appear in their logs or in any API response, also
 * on error paths (bad token, bad body, a failing webhook).
 */
describe('no secret in logs or API responses', () => {
  const aws = testAws();
  const dataDir = mkdtempSync(join(tmpdir(), 'medic-secrets-'));
  const payloadKey = randomBytes(32);
  const webhookSecret = `s3cr3t${randomBytes(12).toString('hex')}`;
  const processes: ChildProcess[] = [];
  const seen: string[] = [];
  let receiver: Server;
  let apiPort: number;

  beforeAll(async () => {
    const [temporalPort, port] = await Promise.all([freePort(), freePort()]);
    apiPort = port;
    receiver = createServer((req, res) => {
      req.resume();
      res.writeHead(500).end('nope');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      AWS_ENDPOINT_URL: awsEndpoint(),
      MEDIC_DATA_DIR: dataDir,
      MEDIC_API_PORT: String(apiPort),
      MEDIC_METRIC_PERIOD_SECONDS: '10',
      MEDIC_VERIFY_INTERVAL_SECONDS: '1',
      MEDIC_VERIFY_TIMEOUT_SECONDS: '10',
      MEDIC_FLAP_COOLDOWN: '0',
      MEDIC_PAYLOAD_KEYS: `k1:${payloadKey.toString('base64')}`,
      MEDIC_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T0/B0/${webhookSecret}`,
    };
    processes.push(await startTemporalDevServer(temporalPort, join(dataDir, 'temporal.db')));
    processes.push(await startNodeProcess(join('workers', 'main.js'), env, '"worker started"'));
    processes.push(await startNodeProcess(join('api', 'main.js'), env, '"api listening"'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => kill(p)));
    receiver?.close();
    destroyAws(aws);
  });

  async function call(method: string, path: string, body?: unknown, token?: string) {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token ?? readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(JSON.stringify([...res.headers.entries()]), text);
    return { status: res.status, text };
  }

  test('after incidents, decisions and errors, no output and no response carries a secret', async () => {
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const { instances } = await createFleet(aws, {
      fleet: `secrets-${process.pid}`,
      size: 2,
      manualCount: 1,
    });
    const chaos = createChaos(aws.ec2, aws.cloudwatch);
    for (const i of instances) await chaos.stopInstance(i.instanceId);
    const ids: string[] = [];
    for (const [n, i] of instances.entries()) {
      const created = await call('POST', '/api/v1/incidents', {
        resourceId: i.instanceId,
        kind: 'instance-stopped',
        mode: n === 0 ? 'auto' : 'manual',
        summary: 'secret test',
      });
      ids.push((JSON.parse(created.text) as { id: string }).id);
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const views = await Promise.all(
        ids.map(
          async (id) => JSON.parse((await call('GET', `/api/v1/incidents/${id}`)).text) as { status: string },
        ),
      );
      if (views[0]?.status === 'resolved' && views[1]?.status === 'awaiting_approval') break;
      if (Date.now() > deadline) throw new Error(`incidents stuck: ${views.map((v) => v.status).join(', ')}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(
      (await call('POST', `/api/v1/incidents/${ids[1]}/decision`, { decision: 'decline', by: 'tester' }))
        .status,
    ).toBe(202);
    expect((await call('POST', '/api/v1/incidents', { resourceId: 42 })).status).toBe(400);
    expect((await call('GET', '/api/v1/incidents', undefined, `${token.slice(0, -2)}xx`)).status).toBe(401);
    await call('GET', '/api/v1/incidents');
    await call('GET', '/api/v1/openapi.json');
    await call('GET', '/metrics');
    await call('GET', '/healthz');
    await call('GET', '/api/v1/nope');
    // The failing webhook was really used, and reported without its URL: the report line comes once
    // the notifier has given up on its retries.
    const timeline = await eventually(
      async () => {
        const view = JSON.parse((await call('GET', `/api/v1/incidents/${ids[0]}`)).text) as {
          timeline: { message: string }[];
        };
        return view.timeline.some((t) => t.message.includes('webhook answered 500')) ? view : undefined;
      },
      30_000,
      'the failed notification on the timeline',
    );
    expect(timeline.timeline.some((t) => t.message.includes('(after 3 attempts)'))).toBe(true);

    const haystack = [...seen, ...processes.slice(1).map(outputOf)].join('\n');
    expect(haystack.length).toBeGreaterThan(1000);
    for (const secret of [token, payloadKey.toString('base64'), payloadKey.toString('hex'), webhookSecret])
      expect(haystack.includes(secret)).toBe(false);
  });
});
