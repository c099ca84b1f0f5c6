import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, ROOT } from '../support/env';
import { freePort, waitForHttp } from '../support/ports';
import { startReceiver } from '../support/receiver';
import { startLocalStack, type LocalStack } from '../support/stack';

interface Dashboard {
  panels: { title: string; type: string; targets?: { expr: string }[] }[];
}
interface PromResponse {
  status: string;
  error?: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

const ALERT_TOKEN = 'alert-only-token-for-alertmanager-0123456789';

const dashboard = JSON.parse(
  readFileSync(join(ROOT, 'deploy', 'grafana', 'dashboards', 'cloud-medic.json'), 'utf8'),
) as Dashboard;
const queries = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);

/**
 * The operator's view of a running system: a real Prometheus (Debian's) scrapes the API, the
 * worker's incident figures and the Temporal SDK's telemetry; the Grafana dashboard's queries run
 * against it; logs are JSON with incident ids; lifecycle events reach a sink.
 */
describe('metrics, dashboard, logs and events on the running stack', () => {
  let local: LocalStack;
  let prometheus: ChildProcess | undefined;
  let alertmanager: ChildProcess | undefined;
  let promUrl: string;
  let sink: Awaited<ReturnType<typeof startReceiver>>;
  const incidentIds: string[] = [];

  const query = async (expr: string) =>
    (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as PromResponse;

  beforeAll(async () => {
    sink = await startReceiver();
    local = await startLocalStack({
      MEDIC_EVENT_SINKS: `eventbridge=${sink.url}/bus`,
      MEDIC_FLAP_COOLDOWN: '0',
      MEDIC_ALERT_TOKEN: ALERT_TOKEN,
    });
    const fleet = JSON.parse(
      await local.medic('fleet', 'create', '--size', '2', '--manual', '1', '--fleet', 'obs', '--json'),
    ) as { instances: { instanceId: string; mode: string }[] };
    const auto = fleet.instances.find((i) => i.mode === 'auto')!.instanceId;
    const manual = fleet.instances.find((i) => i.mode === 'manual')!.instanceId;
    await local.medic('chaos', 'stop-instance', '--instance', auto);
    await local.medic('chaos', 'stop-instance', '--instance', manual);
    const waiting = await eventually(
      async () => {
        const list = await local.call(
          'GET',
          `/api/v1/incidents?resourceId=${manual}&status=awaiting_approval`,
        );
        return (list.body.incidents as { id: string }[])[0];
      },
      90_000,
      'the MANUAL incident to wait',
    );
    expect(
      (
        await local.call('POST', `/api/v1/incidents/${waiting.id}/decision`, {
          decision: 'approve',
          by: 'ops',
        })
      ).status,
    ).toBe(202);
    for (const resourceId of [auto, manual])
      incidentIds.push(
        (
          await eventually(
            async () => {
              const list = await local.call(
                'GET',
                `/api/v1/incidents?resourceId=${resourceId}&status=resolved`,
              );
              return (list.body.incidents as { id: string }[])[0];
            },
            90_000,
            `${resourceId} resolved`,
          )
        ).id,
      );
    await local.call('GET', `/api/v1/incidents/${incidentIds[0]}`);

    // Prometheus reads the API with a viewer token, as deploy/prometheus/prometheus.yml does.
    const viewer = await local.call('POST', '/api/v1/tokens', { name: 'prometheus', role: 'viewer' });
    writeFileSync(join(local.dataDir, 'prom-token'), String(viewer.body.token));
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    const target = (port: number) => `['127.0.0.1:${port}']`;
    writeFileSync(
      join(local.dataDir, 'prometheus.yml'),
      [
        'global: {scrape_interval: 1s}',
        'scrape_configs:',
        `  - {job_name: medic-api, authorization: {credentials_file: ${join(local.dataDir, 'prom-token')}}, static_configs: [{targets: ${target(local.ports.api)}}]}`,
        `  - {job_name: medic-worker, static_configs: [{targets: ${target(local.ports.workerMetrics)}}]}`,
        `  - {job_name: medic-worker-sdk, static_configs: [{targets: ${target(local.ports.workerSdk)}}]}`,
      ].join('\n'),
    );
    prometheus = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(local.dataDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(local.dataDir, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    await waitForHttp(`${promUrl}/-/ready`, 30_000);
    // Every target up, and a few samples in, so rate() and increase() have two points to work with.
    await eventually(
      async () => {
        const up = await query('sum(up)');
        return Number(up.data.result[0]?.value[1]) === 3 ? true : undefined;
      },
      30_000,
      'all three targets up',
    );
    await new Promise((r) => setTimeout(r, 4000));
  }, 300_000);

  afterAll(() => {
    prometheus?.kill('SIGTERM');
    alertmanager?.kill('SIGTERM');
    sink?.close();
    local?.stop();
  });

  test('every metric the dashboard uses is scraped, and every query of it runs', async () => {
    const names = (await (await fetch(`${promUrl}/api/v1/label/__name__/values`)).json()) as {
      data: string[];
    };
    const used = new Set(queries.flatMap((q) => q.expr.match(/\b(medic|temporal)_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !names.data.includes(name))).toEqual([]);
    for (const { panel, expr } of queries) {
      const result = await query(expr);
      expect({ panel, status: result.status, error: result.error }).toEqual({
        panel,
        status: 'success',
        error: undefined,
      });
    }
  });

  test('the figures show the incidents that just ran', async () => {
    const value = async (expr: string) => Number((await query(expr)).data.result[0]?.value[1] ?? NaN);
    expect(await value('sum(medic_incidents_closed_total{outcome="resolved",kind="instance-stopped"})')).toBe(
      2,
    );
    expect(await value('sum(medic_actions_total{action="start-instance",outcome="succeeded"})')).toBe(2);
    expect(await value('sum(medic_approval_wait_seconds_count{decision="approve"})')).toBe(1);
    expect(await value('max(medic_blast_radius_limit{limit="destructive_per_hour"})')).toBe(10);
    expect(await value('sum(medic_incidents_open)')).toBe(0);
    expect(await value('sum(temporal_workflow_completed_total)')).toBeGreaterThanOrEqual(2);
    expect(
      await value('sum(medic_api_request_duration_seconds_count{route="/api/v1/incidents/:id/decision"})'),
    ).toBeGreaterThanOrEqual(1);
  });

  test('the metric endpoints pass promtool, for every family cloud-medic or the SDK defines', async () => {
    for (const [url, headers] of [
      [`${local.api}/metrics`, { authorization: `Bearer ${local.token}` }],
      [`http://127.0.0.1:${local.ports.workerMetrics}/metrics`, {}],
      [`http://127.0.0.1:${local.ports.workerSdk}/metrics`, {}],
    ] as const) {
      const text = await (await fetch(url, { headers })).text();
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      // prom-client's default Node.js gauges carry a _total suffix promtool dislikes; they are not ours.
      const problems = `${lint.stdout}${lint.stderr}`
        .split('\n')
        .filter((line) => line.trim() !== '' && !/_nodejs_active_\w+_total/.test(line));
      expect({ url, problems }).toEqual({ url, problems: [] });
    }
  });

  test('every log line is JSON; lines about an incident carry its id, in the worker and the API', () => {
    const lines = (name: string) =>
      readFileSync(join(local.dataDir, 'logs', `${name}.log`), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const worker = lines('worker');
    const api = lines('api');
    const transitions = worker.filter((l) => l.msg === 'incident transition');
    expect(transitions.length).toBeGreaterThan(4);
    expect(transitions.every((l) => l.incidentId === l.workflowId && typeof l.runId === 'string')).toBe(true);
    expect(worker.some((l) => l.incidentId === incidentIds[0] && l.sdkComponent === 'activity')).toBe(true);
    const decision = api.find((l) => l.route === '/api/v1/incidents/:id/decision');
    expect(decision).toMatchObject({ status: 202, actor: 'admin', level: 'info' });
    expect(String(decision?.incidentId)).toMatch(/^incident-/);
    expect(api.some((l) => l.incidentId === incidentIds[0] && l.route === '/api/v1/incidents/:id')).toBe(
      true,
    );
  });

  test('the lifecycle events reached the sink in EventBridge shape', () => {
    const events = sink.received.map(
      (r) => r.body as { source: string; 'detail-type': string; detail: { incidentId: string } },
    );
    for (const id of incidentIds)
      expect(events.filter((e) => e.detail.incidentId === id).map((e) => e['detail-type'])).toEqual(
        expect.arrayContaining(['Incident Opened', 'Incident Action', 'Incident Closed']),
      );
    expect(events.every((e) => e.source === 'cloud-medic')).toBe(true);
  });

  test('Alertmanager, run with deploy/alertmanager/alertmanager.yml, turns a firing alert into an incident', async () => {
    const dir = join(local.dataDir, 'alertmanager');
    mkdirSync(dir);
    // The shipped file as is, but for the API's address (compose's `api:8080` is this stack's port).
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      readFileSync(join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'), 'utf8').replace(
        'http://api:8080',
        local.api,
      ),
    );
    writeFileSync(join(dir, 'medic-alert-token'), ALERT_TOKEN);
    const port = await freePort();
    const alertmanagerUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      '/usr/bin/prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    await waitForHttp(`${alertmanagerUrl}/-/ready`, 30_000);
    const resourceId = 'i-0a1e47a1e47a1e47a';
    const posted = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { labels: { alertname: 'InstanceDown', resource_id: resourceId, severity: 'critical' } },
      ]),
    });
    expect(posted.status).toBe(200);
    const incident = await eventually(
      async () => {
        const list = await local.call('GET', `/api/v1/incidents?resourceId=${resourceId}`);
        return (list.body.incidents as { kind: string; severity: string }[])[0];
      },
      60_000,
      'the incident Alertmanager delivered',
    );
    expect(incident).toMatchObject({ kind: 'instance-stopped', severity: 'critical' });
  });
});
