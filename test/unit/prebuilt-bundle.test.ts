import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBundle } from '../../workers/prebuilt-bundle';

describe('the prebuilt workflow bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medic-bundle-'));
  const workflows = join(dir, 'workflows');
  const nested = join(dir, 'domain', 'policy');
  mkdirSync(workflows, { recursive: true });
  mkdirSync(nested, { recursive: true });
  const bundle = join(dir, 'workflow-bundle.js');
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  test('is used only when it is at least as new as every compiled file under the bundled folders', () => {
    expect(freshBundle(bundle, [workflows])).toBeUndefined();
    writeFileSync(join(workflows, 'incident.js'), '');
    writeFileSync(join(nested, 'guided-plan.js'), '');
    writeFileSync(bundle, '');
    at(join(workflows, 'incident.js'), 1000);
    at(join(nested, 'guided-plan.js'), 1000);
    at(bundle, 2000);
    const sources = [workflows, join(dir, 'domain'), join(dir, 'missing')];
    expect(freshBundle(bundle, sources)).toBe(bundle);
    // A domain module compiled after the bundle (a plain `tsc`): the worker must bundle again.
    at(join(nested, 'guided-plan.js'), 3000);
    expect(freshBundle(bundle, sources)).toBeUndefined();
  });
});
