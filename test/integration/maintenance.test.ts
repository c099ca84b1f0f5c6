import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createChaos } from '../../activities/chaos';
import { createDetectionActivities } from '../../activities/detection';
import { createFleet, instanceFleetReader } from '../../activities/fleet';
import { createMaintenanceStore } from '../../activities/maintenance-store';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { maintenanceGate } from '../../api/maintenance';
import { incidentWorkflowId } from '../../domain/ids';
import type { MaintenanceWindow } from '../../domain/maintenance-window';
import { alertmanagerPayload } from '../support/alertmanager';
import { destroyAws, startLocalTemporal, testAws, workflowExists } from '../support/env';
import { serveOnLoopback } from '../support/http';

const ADMIN = 'medic_admin_token_for_maintenance_0123456789';
const aws = testAws();
const bucket = `medic-maintenance-${process.pid}`;
const store = createMaintenanceStore(aws.s3, bucket, async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
});
let env: TestWorkflowEnvironment;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let patched: string;
let other: string;
let fleet: string;

beforeAll(async () => {
  env = await startLocalTemporal();
  const incidents = new IncidentService(
    env.client,
    'http://127.0.0.1:8233',
    undefined,
    maintenanceGate(store, instanceFleetReader(aws.ec2)),
  );
  served = await serveOnLoopback(
    createApp({
      incidents,
      adminToken: ADMIN,
      maintenance: store,
      health: { temporal: async () => true, aws: async () => true },
    }),
  );
  fleet = `mw${process.pid}`;
  const created = await createFleet(aws, { fleet, size: 2, manualCount: 2 });
  [patched, other] = created.instances.map((i) => i.instanceId) as [string, string];
}, 120_000);

afterAll(async () => {
  served?.close();
  await env?.teardown();
  destroyAws(aws);
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${served.origin}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const alert = async (resourceId: string) =>
  (
    await call(
      'POST',
      '/alerts/alertmanager',
      alertmanagerPayload([{ labels: { alertname: 'InstanceDown', resource_id: resourceId } }]),
    )
  ).body.results as Record<string, unknown>[];

describe('maintenance windows (decision 0064)', () => {
  test('while one covers an instance its alerts open nothing, and say why; ended, they open again', async () => {
    const started = await call('POST', '/maintenance', {
      instances: [patched],
      durationMinutes: 120,
      reason: 'kernel patch',
    });
    expect(started.status).toBe(201);
    const window = started.body as unknown as MaintenanceWindow;
    expect(window).toMatchObject({ resources: [patched], reason: 'kernel patch', createdBy: 'admin' });

    expect(await alert(patched)).toEqual([
      {
        action: 'ignored',
        reason: expect.stringMatching(
          new RegExp(`^under maintenance window ${window.id} until .* \\(kernel patch, by admin\\)`),
        ),
      },
    ]);
    expect(await workflowExists(env.client, incidentWorkflowId(patched, 'instance-stopped'))).toBe(false);
    // The instance beside it is not under the window.
    expect(await alert(other)).toMatchObject([{ action: 'opened' }]);

    const listed = await call('GET', '/maintenance');
    expect(listed.body.windows).toEqual([expect.objectContaining({ id: window.id, active: true })]);

    const ended = await call('DELETE', `/maintenance/${window.id}`);
    expect(ended.body).toMatchObject({ id: window.id, endedBy: 'admin' });
    expect((await call('GET', '/maintenance')).body.windows).toEqual([]);
    expect((await call('DELETE', `/maintenance/${window.id}`)).status).toBe(404);
    expect(await alert(patched)).toMatchObject([{ action: 'opened' }]);
  });

  test('a window on a fleet covers its instances by their fleet tag', async () => {
    const started = await call('POST', '/maintenance', { fleet, durationMinutes: 30, reason: 'AMI rollout' });
    expect(started.status).toBe(201);
    const [first] = await alert(other);
    // `other` already has an open instance-stopped incident from the test before, so the window's
    // answer is what tells them apart.
    expect(first).toMatchObject({ action: 'ignored', reason: expect.stringMatching(/AMI rollout/) });
    expect(await alert('i-0ffffffffffffffff')).toMatchObject([{ action: 'opened' }]);
    await call('DELETE', `/maintenance/${String(started.body.id)}`);
  });

  test('bad requests get the zod issues and store nothing', async () => {
    const bad = await call('POST', '/maintenance', { instances: ['web-1'], durationMinutes: 0, reason: '' });
    expect(bad.status).toBe(400);
    const details = (bad.body.error as { details: { path: string }[] }).details.map((d) => d.path).sort();
    expect(details).toEqual(['durationMinutes', 'instances.0', 'reason']);
    expect((await call('GET', '/maintenance')).body.windows).toEqual([]);
  });

  test("the monitor's scan passes over an instance under a window, and after it, over what the window saw", async () => {
    // A fleet of its own: the instances above have incidents open, which the scan passes over anyway.
    const scanned = `mws${process.pid}`;
    const [worked, beside] = (
      await createFleet(aws, { fleet: scanned, size: 2, manualCount: 2 })
    ).instances.map((i) => i.instanceId) as [string, string];
    const chaos = createChaos(aws.ec2, aws.cloudwatch);
    await chaos.statusCheckFailed(worked);
    await chaos.cpuSpike(beside);
    const window = await call('POST', '/maintenance', {
      instances: [worked],
      durationMinutes: 60,
      reason: 'reboots',
    });
    const scan = createDetectionActivities(aws.ec2, aws.cloudwatch, env.client, {
      metricPeriodSeconds: 10,
      lookbackMinutes: 15,
      cpuHighPercent: 90,
      cpuWindowPoints: 3,
      cpuAnomalyFloorPercent: 50,
      maintenance: (now) => store.current(now),
    }).scanFleet;
    const during = await scan({ fleet: scanned, watermarks: {} });
    expect(during.findings.map((f) => [f.resourceId, f.kind])).toEqual([[beside, 'cpu-high']]);
    await call('DELETE', `/maintenance/${String(window.body.id)}`);
    const after = await scan({ fleet: scanned, watermarks: during.watermarks });
    expect(after.findings).toEqual([]);
    // Without the window the failing checks were a finding: the test can fail.
    const unheld = await scan({ fleet: scanned, watermarks: {} });
    expect(unheld.findings.map((f) => [f.resourceId, f.kind])).toContainEqual([
      worked,
      'status-check-failed',
    ]);
  });
});
