import { serveOnLoopback } from '../support/http';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { ConfigError, loadConfig } from '../../domain/config';
import { incidentWorkflowId } from '../../domain/ids';
import { alertmanagerPayload } from '../support/alertmanager';
import { startLocalTemporal, workflowExists } from '../support/env';

const ADMIN = 'medic_admin_token_for_alert_test_0123456789';
const ALERTS = 'medic_alert_only_token_0123456789abcdefgh';
let env: TestWorkflowEnvironment;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let base: string;

beforeAll(async () => {
  env = await startLocalTemporal();
  const app = createApp({
    incidents: new IncidentService(env.client, 'http://127.0.0.1:8233'),
    adminToken: ADMIN,
    alertToken: ALERTS,
    health: { temporal: async () => true, aws: async () => true },
  });
  served = await serveOnLoopback(app);
  base = `${served.origin}/api/v1`;
}, 120_000);

afterAll(async () => {
  served?.close();
  await env?.teardown();
});

const resource = () => `i-${randomUUID().replace(/-/g, '').slice(0, 17)}`;
const payload = (resourceId: string) =>
  alertmanagerPayload([{ labels: { alertname: 'InstanceDown', resource_id: resourceId } }]);
const call = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => r.status);
const exists = (id: string) => workflowExists(env.client, id);

describe('an alert-only token for alert senders', () => {
  test('opens the alert routes and nothing else; the admin token still opens them', async () => {
    const a = resource();
    expect(await call('POST', '/alerts/alertmanager', ALERTS, payload(a))).toBe(200);
    expect(await exists(incidentWorkflowId(a, 'instance-stopped'))).toBe(true);
    expect(await call('GET', '/incidents', ALERTS)).toBe(403);
    expect(
      await call('POST', '/incidents', ALERTS, { resourceId: resource(), kind: 'instance-stopped' }),
    ).toBe(403);
    expect(await call('POST', '/alerts/alertmanager', ADMIN, payload(resource()))).toBe(200);
    expect(await call('GET', '/incidents', ADMIN)).toBe(200);
  });

  test('a forged token is refused and starts nothing', async () => {
    const b = resource();
    expect(await call('POST', '/alerts/alertmanager', `${ALERTS.slice(0, -1)}X`, payload(b))).toBe(401);
    expect(await exists(incidentWorkflowId(b, 'instance-stopped'))).toBe(false);
  });

  test('a short alert token is a configuration error', () => {
    expect(() => loadConfig({ MEDIC_ALERT_TOKEN: 'short' })).toThrow(ConfigError);
  });
});
