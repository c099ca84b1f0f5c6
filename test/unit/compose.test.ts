import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/env';

interface Service {
  image?: string;
  build?: string;
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
}

/** docker compose cannot run on these machines; this checks what `docker compose config` would. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const services = Object.entries(compose.services);

  test('has the Temporal server with PostgreSQL, its UI, the worker and the API', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'worker', 'api']),
    );
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
