import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { scopeOf } from '../../api/alarm-scope';
import { thresholdsForAlarm } from '../../domain/alarm-scope';
import { mapAlert } from '../../domain/alert-mapping';
import { ROOT } from '../support/env';

interface Service {
  image?: string;
  build?: string;
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  environment?: Record<string, string>;
}

/** docker compose cannot run on these machines; this checks what `docker compose config` would. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const services = Object.entries(compose.services);

  test('has Temporal with PostgreSQL, its UI, worker, API, Prometheus, Alertmanager and Grafana', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal',
        'temporal-ui',
        'worker',
        'api',
        'prometheus',
        'alertmanager',
        'grafana',
      ]),
    );
  });

  test('every file a service mounts from the repository exists, secrets excepted', () => {
    const secrets = ['./deploy/prometheus/medic-token', './deploy/alertmanager/medic-alert-token'];
    for (const [, service] of services)
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('.') && !secrets.includes(source))
          expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      }
  });

  test('Prometheus scrapes the API and both worker endpoints, and sends its alerts to Alertmanager', () => {
    const prometheus = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(['api:8080', 'worker:9464', 'worker:9465']);
    expect(prometheus.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['alertmanager:9093']);
    const mounted = (compose.services.prometheus?.volumes ?? []).map((v) => v.split(':')[1]);
    for (const rules of prometheus.rule_files) expect(mounted).toContain(`/etc/prometheus/${rules}`);
  });

  test("Alertmanager routes to the API's alert route with the alert-only token", () => {
    const alertmanager = parse(readFileSync(join(ROOT, 'deploy/alertmanager/alertmanager.yml'), 'utf8')) as {
      receivers: {
        webhook_configs: { url: string; http_config: { authorization: { credentials_file: string } } }[];
      }[];
    };
    const hook = alertmanager.receivers[0]?.webhook_configs[0];
    expect(hook?.url).toBe('http://api:8080/api/v1/alerts/alertmanager');
    expect(hook?.http_config.authorization.credentials_file).toBe('medic-alert-token');
    expect(compose.services.api?.environment?.MEDIC_ALERT_TOKEN).toBeDefined();
  });

  test('promtool and amtool accept the Prometheus, rules and Alertmanager files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-deploy-'));
    cpSync(join(ROOT, 'deploy'), dir, { recursive: true });
    writeFileSync(join(dir, 'prometheus', 'medic-token'), 'token');
    writeFileSync(join(dir, 'alertmanager', 'medic-alert-token'), 'token');
    const checks = [
      spawnSync('promtool', ['check', 'config', join(dir, 'prometheus', 'prometheus.yml')], {
        encoding: 'utf8',
      }),
      spawnSync('amtool', ['check-config', join(dir, 'alertmanager', 'alertmanager.yml')], {
        encoding: 'utf8',
      }),
    ];
    rmSync(dir, { recursive: true, force: true });
    for (const check of checks)
      expect([check.status, check.stdout + check.stderr]).toEqual([0, expect.any(String)]);
  });

  test("the group CPU rule's alert carries the labels the API answers per member (decision 0061)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-rules-'));
    // 15 % idle: 85 % busy is above the group's 80 % and below the per-instance 90 %.
    const idle = (instance: string) =>
      `{ series: 'node_cpu_seconds_total{mode="idle",cpu="0",autoscaling_group="web-asg",resource_id="${instance}"}', values: '0+9x20' }`;
    const expected = {
      severity: 'high',
      resource_type: 'group',
      resource_id: 'web-asg',
      autoscaling_group: 'web-asg',
      alarm_threshold: '80',
    };
    writeFileSync(
      join(dir, 'test.yml'),
      [
        `rule_files: [${join(ROOT, 'deploy/prometheus/rules.yml')}]`,
        'evaluation_interval: 1m',
        'tests:',
        '  - interval: 1m',
        `    input_series: [${idle('i-1')}, ${idle('i-2')}]`,
        '    alert_rule_test:',
        '      - eval_time: 10m',
        '        alertname: HighCpuUtilization',
        `        exp_alerts: [{ exp_labels: ${JSON.stringify(expected)}, exp_annotations: { summary: 'CPU above 80 % for 5 minutes across web-asg' } }]`,
      ].join('\n'),
    );
    const run = spawnSync('promtool', ['test', 'rules', join(dir, 'test.yml')], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect([run.status, run.stdout + run.stderr]).toEqual([0, expect.any(String)]);
    const alert = { labels: { alertname: 'HighCpuUtilization', ...expected }, annotations: {} };
    expect(scopeOf(alert)).toEqual({ type: 'group', id: 'web-asg' });
    const defaults = {
      cpuHighPercent: 90,
      latencyHighMs: 1000,
      errorRateFailurePercent: 5,
      notServingSiblingMinPerSecond: 1,
    };
    expect(thresholdsForAlarm('cpu-high', defaults, alert.labels.alarm_threshold).cpuHighPercent).toBe(80);
    expect(mapAlert(alert, 'alertmanager:medic')).toMatchObject({ ok: true, request: { kind: 'cpu-high' } });
  });

  test('every service has an image or a build, and every build context has a Dockerfile', () => {
    for (const [name, service] of services) {
      expect([name, Boolean(service.image ?? service.build)]).toEqual([name, true]);
      if (service.build) expect(existsSync(join(ROOT, service.build, 'Dockerfile'))).toBe(true);
    }
  });

  test('dependencies name services that exist', () => {
    for (const [, service] of services) {
      const deps = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(compose.services)).toContain(dep);
    }
  });

  test('published ports bind to loopback and do not collide', () => {
    const hostPorts = services.flatMap(([, s]) => s.ports ?? []);
    for (const port of hostPorts) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const published = hostPorts.map((p) => p.split(':')[1]);
    expect(new Set(published).size).toBe(published.length);
  });

  test('named volumes are declared', () => {
    for (const [, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
  });

  test('the worker and API run the entry points the build produces', () => {
    const entries = ['worker', 'api'].map((n) => compose.services[n]?.command?.[1]);
    expect(entries).toEqual(['dist/workers/main.js', 'dist/api/main.js']);
    for (const entry of entries)
      expect(existsSync(join(ROOT, (entry ?? '').replace('dist/', '').replace('.js', '.ts')))).toBe(true);
  });
});
