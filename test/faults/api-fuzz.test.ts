import { serveOnLoopback } from '../support/http';
import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskService } from '../../api/task-service';
import { TokenStore } from '../../api/token-store';
import { memoryTaskStore } from '../support/memory-task-store';
import { startLocalTemporal } from '../support/env';

const TOKEN = 'medic_fuzz_token_0123456789abcdefghijkl';

/** Hostile JSON: prototype-pollution keys, odd unicode, huge strings, deep nesting, big arrays. */
const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'resourceId',
    'kind',
    'decision',
    'by',
    'alerts',
    'version',
  ),
  fc.string({ unit: 'grapheme' }),
);
const leaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'i-0123456789abcdef0',
    'status-check-failed',
    'approve',
    'manual',
    '4',
    '../../etc/passwd',
    "'; DROP TABLE",
  ),
);
const { value: hostile } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 30 }),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 8 }),
}));
const deepNesting = fc
  .integer({ min: 100, max: 3000 })
  .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);
const fuzzString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('i-0abc', 'web-1', '', ' ', 'a'.repeat(300)),
);
/** Right shape, fuzzed values: these get past JSON parsing and reach validation and Temporal. */
const nearValid = fc.oneof(
  fc.record(
    {
      resourceId: fuzzString,
      kind: fc.oneof(fc.constantFrom('cpu-high', 'instance-stopped'), fuzzString),
      mode: fc.constantFrom('auto', 'manual', 'AUTO', undefined),
    },
    { requiredKeys: ['resourceId', 'kind'] },
  ),
  fc.record({
    decision: fc.constantFrom('approve', 'decline', 'manual', 'yes'),
    by: fuzzString,
    reason: fc.option(fuzzString),
  }),
  fc.record({
    version: fc.constant('4'),
    groupKey: fuzzString,
    status: fc.constant('firing'),
    receiver: fuzzString,
    groupLabels: fc.constant({}),
    commonLabels: fc.constant({}),
    commonAnnotations: fc.constant({}),
    externalURL: fuzzString,
    alerts: fc.array(
      fc.record({
        status: fc.constant('firing'),
        labels: fc.dictionary(fc.constantFrom('alertname', 'instance', 'severity', 'medic_kind'), fuzzString),
        annotations: fc.constant({}),
        startsAt: fuzzString,
      }),
      { maxLength: 5 },
    ),
  }),
);
/** The newer routes' shapes: chat, tokens, custom tasks and their runs. */
const nearValidMore = fc.oneof(
  fc.record({
    Type: fc.constantFrom('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation', 'x'),
    MessageId: fuzzString,
    TopicArn: fuzzString,
    Message: fc.oneof(
      fuzzString,
      fc.constant('{"AlarmName":"a","NewStateValue":"ALARM","Trigger":{"Dimensions":[]}}'),
    ),
    Timestamp: fc.constantFrom(new Date().toISOString(), 'yesterday'),
    SignatureVersion: fc.constantFrom('1', '2', '3'),
    Signature: fuzzString,
    SigningCertURL: fc.constantFrom(
      'https://sns.us-east-1.amazonaws.com/cert.pem',
      'https://evil.example.com/cert.pem',
      'file:///etc/passwd',
    ),
  }),
  fc.record({ message: fuzzString }),
  fc.record({ name: fuzzString, role: fc.constantFrom('viewer', 'admin', 'root', '') }),
  fc.record({
    source: fc.oneof(fuzzString, fc.constant('name: t\nsteps:\n  - action: wait\n    seconds: 1\n')),
  }),
  fc.record({ params: fc.dictionary(fuzzString, fuzzString), idempotencyKey: fc.option(fuzzString) }),
);
const body = fc.oneof(
  hostile,
  nearValid,
  nearValidMore,
  nearValid,
  deepNesting,
  fc.array(fc.constant({ labels: {} }), { minLength: 1000, maxLength: 3000 }),
);

describe('fuzzing every API route with invalid and hostile input', () => {
  let env: TestWorkflowEnvironment;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;

  beforeAll(async () => {
    env = await startLocalTemporal();
    const app = createApp({
      incidents: new IncidentService(env.client, 'http://127.0.0.1:8233'),
      health: { temporal: async () => true, aws: async () => true },
      adminToken: TOKEN,
      tokens: new TokenStore(join(mkdtempSync(join(tmpdir(), 'medic-fuzz-')), 'tokens.json')),
      tasks: new TaskService(env.client, memoryTaskStore()),
      // Certificates never arrive: a body that gets as far as the signature check is refused (401).
      sns: {
        certificates: async () => {
          throw new Error('no certificate in the fuzz test');
        },
        confirmSubscription: async () => {},
        allowedTopicArns: [],
        maxAgeMs: 3_600_000,
      },
    });
    served = await serveOnLoopback(app);
    base = served.origin;
  }, 120_000);

  afterAll(async () => {
    served?.close();
    await env?.teardown();
  });

  const send = async (method: string, path: string, payload?: string) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: payload,
    });

  test('no 5xx, and nothing starts unless a request was accepted', async () => {
    let accepted = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/v1/incidents',
          '/api/v1/incidents/x/decision',
          '/api/v1/alerts/alertmanager',
          '/api/v1/chat',
          '/api/v1/tokens',
          '/api/v1/tasks',
          '/api/v1/tasks/x/runs',
          '/api/v1/task-runs/x/decision',
          '/api/v1/alerts/cloudwatch',
        ),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        body,
        async (route, id, value) => {
          const path = route.replace('/x/', `/${encodeURIComponent(id) || 'x'}/`);
          const res = await send('POST', path, JSON.stringify(value));
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const answer = (await res.json()) as { error?: { code: string } };
          // Only these start workflows: an incident (201) or a task run (202).
          if (res.status === 201 && route === '/api/v1/incidents') accepted++;
          if (res.status === 202 && route.endsWith('/runs')) accepted++;
          if (route.endsWith('alertmanager') && res.status === 200) {
            const results = (answer as { results?: { action: string }[] }).results ?? [];
            accepted += results.filter((r) => r.action === 'opened').length;
          }
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(typeof answer.error?.code).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(hostileKey, fc.string({ unit: 'grapheme', maxLength: 200 })),
        async (query) => {
          const res = await send('GET', `/api/v1/incidents?${new URLSearchParams(query).toString()}`);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 100 },
    );
    const started = await env.client.workflow.count('');
    expect(started.count).toBe(accepted);
    console.log(
      `api-fuzz: status counts ${JSON.stringify(Object.fromEntries(statuses))}, accepted ${accepted}`,
    );
  }, 300_000);

  test('bodies over the limit get 413, malformed JSON 400, and neither starts anything', async () => {
    const huge = JSON.stringify({
      resourceId: 'i-1',
      kind: 'cpu-high',
      summary: 'x'.repeat(2 * 1024 * 1024),
    });
    expect((await send('POST', '/api/v1/incidents', huge)).status).toBe(413);
    expect((await send('POST', '/api/v1/incidents', '{"resourceId": ')).status).toBe(400);
    expect((await send('POST', '/api/v1/incidents', '{"__proto__": {"polluted": true}}')).status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
