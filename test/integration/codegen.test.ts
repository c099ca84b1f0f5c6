import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCodegenActivities } from '../../activities/codegen';
import { runCommand, scratchProject } from '../../activities/workspace';
import { CODE_TEMPLATES } from '../../domain/codegen/templates';
import { awsEndpoint } from '../support/env';

const quiet = () => () => undefined;

describe('code generation from maintained templates', () => {
  test('every template type-checks strictly and its test passes against the emulator', async () => {
    const dir = scratchProject('medic-templates-');
    try {
      for (const t of CODE_TEMPLATES) {
        writeFileSync(join(dir, `${t.id}.ts`), t.source);
        writeFileSync(join(dir, `${t.id}.test.ts`), t.test.replace("from './code'", `from './${t.id}'`));
      }
      const typecheck = await runCommand('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: dir });
      expect({ ok: typecheck.ok, output: typecheck.output }).toEqual({ ok: true, output: '' });
      const tests = await runCommand('npx', ['--no-install', 'jest', '--ci', '-c', 'jest.config.js'], {
        cwd: dir,
        env: { AWS_ENDPOINT_URL: awsEndpoint() },
      });
      expect(tests.output).toMatch(new RegExp(`Test Suites: ${CODE_TEMPLATES.length} passed`));
      expect(tests.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test('"write a function that uploads a file to S3" answers with checked code and its test', async () => {
    const generated = await createCodegenActivities({ awsEndpoint: awsEndpoint() }, quiet).generateCode({
      request: 'write a function that uploads a file to S3',
    });
    expect(generated.status).toBe('verified');
    expect(generated.template?.id).toBe('s3-upload');
    expect(generated.source).toContain('export async function uploadFileToS3');
    expect(generated.checks).toContain('test: passed');
  }, 120_000);

  test('without an emulator the code is type-checked but its test is not run against real AWS', async () => {
    const generated = await createCodegenActivities({}, quiet).generateCode({
      request: 'get an item from a dynamodb table',
    });
    expect(generated).toMatchObject({ status: 'untested', template: { id: 'dynamodb-get' } });
    expect(generated.checks).toContain('not run');
  }, 120_000);

  test('a request no template fits says which tasks it can write', async () => {
    const generated = await createCodegenActivities({ awsEndpoint: awsEndpoint() }, quiet).generateCode({
      request: 'write a kubernetes operator',
    });
    expect(generated.status).toBe('no-template');
    expect(generated.templates).toContain('Upload a file to S3');
  });
});
