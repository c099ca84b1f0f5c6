import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { AesGcmPayloadCodec, dataConverterFor, parsePayloadKeys } from '../../codec';
import { TASK_QUEUES } from '../../domain/config';
import type { IncidentReport } from '../../domain/incident';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { createMedicWorkers } from '../../workers/create-workers';
import {
  destroyAws,
  runWorkers,
  startLocalTemporal,
  testAws,
  testConfig,
  workflowBundle,
} from '../support/env';

const SECRET = 'db-password=Sup3rS3cret!XYZ';
const keys = parsePayloadKeys(`k1:${randomBytes(32).toString('base64')}`)!;
const aws = testAws();
let env: TestWorkflowEnvironment;
let encrypted: Client;
let stopWorkers: () => Promise<void>;

beforeAll(async () => {
  env = await startLocalTemporal();
  const dataConverter = dataConverterFor(keys);
  encrypted = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter,
  });
  const workers = await createMedicWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: createActivities({ aws, temporal: encrypted, config: testConfig() }),
    workflowBundle: await workflowBundle(),
    dataConverter,
  });
  stopWorkers = await runWorkers(workers);
}, 120_000);

afterAll(async () => {
  await stopWorkers?.();
  await env?.teardown();
  destroyAws(aws);
});

describe('payload encryption at rest', () => {
  test('the server holds ciphertext only; a client with the key reads the incident', async () => {
    const handle = await encrypted.workflow.start('incidentWorkflow', {
      workflowId: 'incident-i-0000000000000beef-instance-stopped',
      taskQueue: TASK_QUEUES.healing,
      args: [{ resourceId: 'i-0000000000000beef', kind: 'instance-stopped', summary: `leaked ${SECRET}` }],
    });
    const report = (await handle.result()) as IncidentReport;
    expect(report.issueDetected).toContain(SECRET);

    // The raw history, as the server stores it, read without the key.
    const raw = JSON.stringify(await env.client.workflow.getHandle(handle.workflowId).fetchHistory());
    for (const form of [SECRET, Buffer.from(SECRET).toString('base64'), 'Sup3rS3cret'])
      expect(raw).not.toContain(form);
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  test('the codec endpoint decodes for a token holder only, and allows the Web UI origin', async () => {
    const app = createApp({
      incidents: new IncidentService(encrypted, 'http://127.0.0.1:8233'),
      health: { temporal: async () => true, aws: async () => true },
      adminToken: 'medic_test_token_0123456789abcdefghij',
      codec: { codec: new AesGcmPayloadCodec(keys), uiOrigin: 'http://127.0.0.1:8233' },
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const [sealed] = await new AesGcmPayloadCodec(keys).encode([
        defaultPayloadConverter.toPayload({ SECRET }),
      ]);
      const asJson = (p: Payload) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
        ),
        data: Buffer.from(p.data ?? []).toString('base64'),
      });
      const body = JSON.stringify({ payloads: [asJson(sealed)] });
      const denied = await fetch(`${base}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(denied.status).toBe(401);
      const res = await fetch(`${base}/codec/decode`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer medic_test_token_0123456789abcdefghij',
        },
        body,
      });
      expect(res.status).toBe(200);
      const decoded = (await res.json()) as { payloads: { data: string }[] };
      expect(Buffer.from(decoded.payloads[0]?.data ?? '', 'base64').toString()).toContain(SECRET);
      const preflight = await fetch(`${base}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:8233' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    } finally {
      server.close();
    }
  });
});
