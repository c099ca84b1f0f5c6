import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { AuditLog } from '../../api/audit-log';
import { IncidentService } from '../../api/incident-service';
import { temporalMonitors } from '../../api/monitors';
import { openApiDocument } from '../../api/openapi';
import { ROUTE_PERMISSIONS, type RouteKey } from '../../api/route-permissions';
import { TokenStore } from '../../api/token-store';
import { TaskService } from '../../api/task-service';
import { memoryTaskStore } from '../support/memory-task-store';
import { ROLE_PERMISSIONS, ROLES, type Role } from '../../domain/rbac';
import { alertmanagerPayload } from '../support/alertmanager';
import { dashboardFigures } from '../../domain/dashboard';
import { destroyAws, startLocalTemporal, testAws } from '../support/env';
import { createMaintenanceStore } from '../../activities/maintenance-store';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { serveOnLoopback } from '../support/http';

const ADMIN = 'medic_bootstrap_admin_token_rbac_0123456789';
const ALERTS = 'medic_alert_sender_token_rbac_0123456789ab';
const dir = mkdtempSync(join(tmpdir(), 'medic-rbac-'));
let env: TestWorkflowEnvironment;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let tokens: TokenStore;
let audit: AuditLog;
const aws = testAws();
const tokenOf: Partial<Record<Role | 'alert-sender', string>> = { 'alert-sender': ALERTS };

beforeAll(async () => {
  env = await startLocalTemporal();
  tokens = new TokenStore(join(dir, 'tokens.json'));
  audit = new AuditLog(join(dir, 'audit.jsonl'));
  for (const role of ROLES) tokenOf[role] = tokens.create(`${role}-person`, role, 'test').token;
  const app = createApp({
    incidents: new IncidentService(env.client, 'http://127.0.0.1:8233'),
    adminToken: ADMIN,
    alertToken: ALERTS,
    tokens,
    audit,
    feedback: {
      put: async () => {},
      list: async () => [],
      putVerdict: async () => {},
      getVerdict: async () => undefined,
      listVerdicts: async () => [],
    },
    tasks: new TaskService(env.client, memoryTaskStore()),
    maintenance: createMaintenanceStore(aws.s3, `medic-rbac-${process.pid}`, async () => {
      await aws.s3
        .send(new CreateBucketCommand({ Bucket: `medic-rbac-${process.pid}` }))
        .catch(() => undefined);
    }),
    stats: async () => dashboardFigures([], [], new Date()),
    models: async () => [],
    evidence: async () => undefined,
    monitors: temporalMonitors(env.client),
    // Every route is called without a token: more failures than the production limit allows.
    authFailureLimit: { maxFailures: 1000, windowMs: 60_000 },
    sns: {
      certificates: async () => {
        throw new Error('no certificates in this test');
      },
      confirmSubscription: async () => {},
      allowedTopicArns: [],
      maxAgeMs: 3_600_000,
    },
    health: { temporal: async () => true, aws: async () => true },
  });
  served = await serveOnLoopback(app);
}, 120_000);

afterAll(async () => {
  served?.close();
  await env?.teardown();
  destroyAws(aws);
});

const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
  fetch(`${served.origin}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const UNKNOWN_INSTANCE = 'i-0rbac000000000000';
/** A request each route would accept or refuse on its merits, so 401/403 can only come from RBAC. */
function requestFor(key: RouteKey): { path: string; body?: unknown } {
  const [, template] = key.split(' ') as [string, string];
  const path = template
    .replace(':name', 'no-such-task')
    .replace(':fleet', 'no-such-fleet')
    .replace(':instanceId', 'i-0123456789abcdef0')
    .replace(
      ':id',
      key.includes('tokens')
        ? '00000000-0000-4000-8000-000000000000'
        : key.includes('maintenance')
          ? 'mw-000000000000'
          : key.includes('task-runs')
            ? 'task-no-such-task-k1'
            : 'no-such-incident',
    )
    .replace(/\/stream\/incidents$/, '/stream/incidents?once=true');
  const bodies: Partial<Record<RouteKey, unknown>> = {
    'POST /api/v1/incidents': { resourceId: UNKNOWN_INSTANCE, kind: 'instance-stopped', mode: 'manual' },
    'POST /api/v1/incidents/:id/decision': { decision: 'decline' },
    'POST /api/v1/incidents/decisions': { incidents: [{ id: 'no-such-incident' }], decision: 'decline' },
    'POST /api/v1/incidents/:id/feedback': { resolved: true, rating: 5 },
    'POST /api/v1/incidents/:id/detection': { expected: true },
    'POST /api/v1/tokens': { name: 'made-in-rbac-test', role: 'viewer' },
    'POST /api/v1/maintenance': { instances: ['i-0123456789abcdef0'], durationMinutes: 5, reason: 'rbac' },
    'POST /api/v1/chat': { message: 'what is open right now?' },
    'POST /api/v1/tasks': { source: 'name: rbac-task\nsteps:\n  - action: wait\n    seconds: 1\n' },
    'POST /api/v1/tasks/:name/runs': { params: {} },
    'POST /api/v1/task-runs/:id/decision': { decision: 'decline' },
    'POST /api/v1/alerts/alertmanager': alertmanagerPayload([]),
    'POST /api/v1/alerts/cloudwatch': { Type: 'Notification' },
  };
  return { path, body: bodies[key] };
}

describe('RBAC: every route × every role', () => {
  const principals = [...ROLES, 'alert-sender'] as const;
  const routes = Object.keys(ROUTE_PERMISSIONS) as RouteKey[];

  test.each(routes)('%s', async (key) => {
    const [method] = key.split(' ') as [string];
    const { path, body } = requestFor(key);
    const permission = ROUTE_PERMISSIONS[key];
    expect((await call(method, path, undefined, body)).status).toBe(401);
    for (const principal of principals) {
      const status = (await call(method, path, tokenOf[principal], body)).status;
      const allowed = ROLE_PERMISSIONS[principal].includes(permission);
      // Allowed requests may still be refused on their merits (400, 404, 409), never with 401/403.
      const seen = `${principal} → ${status}`;
      if (allowed) expect(seen).not.toMatch(/ → 40[13]$/);
      else expect(seen).toBe(`${principal} → 403`);
    }
  });

  test('the OpenAPI document and the permission table name the same routes', () => {
    const documented = Object.entries(openApiDocument().paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const guarded = routes.filter((k) => k.includes('/api/v1/') && !k.endsWith('openapi.json'));
    expect(documented.sort()).toEqual(guarded.sort());
  });
});

test('the roles as the issue defines them: two people per change', () => {
  const granted = Object.fromEntries(ROLES.map((r) => [r, [...ROLE_PERMISSIONS[r]].sort()]));
  expect(granted).toEqual({
    viewer: ['read'],
    operator: ['answer', 'operate', 'read'],
    approver: ['answer', 'decide', 'read'],
    admin: ['admin', 'alerts', 'answer', 'decide', 'operate', 'read'],
  });
  // Whoever handled an incident may say how it went, the approver of the fix included.
  expect(ROUTE_PERMISSIONS['POST /api/v1/incidents/:id/feedback']).toBe('answer');
  expect(ROUTE_PERMISSIONS['POST /api/v1/incidents/:id/detection']).toBe('answer');
  expect(ROUTE_PERMISSIONS['POST /api/v1/incidents/:id/decision']).toBe('decide');
  expect(ROUTE_PERMISSIONS['POST /api/v1/tokens']).toBe('admin');
});

describe('tokens', () => {
  test('stored hashed; revoked tokens stop working; only admins manage them', async () => {
    const res = await call('POST', '/api/v1/tokens', ADMIN, { name: 'alice', role: 'approver' });
    const created = (await res.json()) as { token: string; id: string };
    expect(created.token).toMatch(/^medic_/);
    const file = readFileSync(join(dir, 'tokens.json'), 'utf8');
    expect(file).not.toContain(created.token);
    expect(file).toContain(created.id);
    expect((await call('GET', '/api/v1/incidents', created.token)).status).toBe(200);
    expect(
      (await call('POST', '/api/v1/tokens', created.token, { name: 'mallory', role: 'admin' })).status,
    ).toBe(403);
    expect((await call('DELETE', `/api/v1/tokens/${created.id}`, ADMIN)).status).toBe(200);
    expect((await call('GET', '/api/v1/incidents', created.token)).status).toBe(401);
  });

  test('bad token bodies get the zod issues', async () => {
    const res = await call('POST', '/api/v1/tokens', ADMIN, { name: 'bob smith', role: 'root' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { details: { path: string }[] } };
    expect(error.details.map((d) => d.path).sort()).toEqual(['name', 'role']);
  });

  test('a personal token decides only as itself', async () => {
    const res = await call('POST', '/api/v1/incidents/no-such-incident/decision', tokenOf.approver, {
      decision: 'approve',
      by: 'somebody-else',
    });
    expect(res.status).toBe(403);
  });
});

describe('audit log', () => {
  test('records who did what, refusals included, and detects an edited line', async () => {
    await call('POST', '/api/v1/incidents/no-such-incident/decision', tokenOf.viewer, {
      decision: 'approve',
    });
    await call('POST', '/api/v1/incidents/no-such-incident/decision', tokenOf.approver, {
      decision: 'decline',
    });
    const res = await call(
      'GET',
      '/api/v1/audit?incidentId=no-such-incident&action=incident.decision',
      tokenOf.viewer,
    );
    const { entries, chainIntact } = (await res.json()) as {
      entries: { actor: string; status: number }[];
      chainIntact: boolean;
    };
    expect(chainIntact).toBe(true);
    expect(entries.slice(0, 2).map((e) => [e.actor, e.status])).toEqual([
      ['approver-person', 404],
      ['viewer-person', 403],
    ]);

    const file = join(dir, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[0] = lines[0].replace(/"status":\d+/, '"status":200');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const after = (await (await call('GET', '/api/v1/audit', tokenOf.viewer)).json()) as {
      chainIntact: boolean;
    };
    expect(after.chainIntact).toBe(false);
  });
});
