import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_TEMPLATES, matchTemplate } from '../domain/codegen/templates';
import type { Heartbeat } from './ec2-remediation';
import { runCommand, scratchProject, tail } from './workspace';

export interface GeneratedCode {
  /** verified: type-checked and its test passed against the emulator; untested: no emulator to run it on. */
  status: 'verified' | 'failed' | 'untested' | 'no-template';
  request: string;
  template?: { id: string; title: string; packages: string[] };
  source?: string;
  test?: string;
  /** What the type check and the test run printed, last lines. */
  checks?: string;
  /** The templates there are, when none fits the request. */
  templates?: string[];
}

/**
 * The coding agent's code generation: the maintained template that fits the request, written to a
 * scratch project, type-checked and its test run against the local emulator before it is handed
 * out. Against real AWS (no emulator endpoint) the test is not run: generated tests never touch a
 * real account.
 */
export function createCodegenActivities(settings: { awsEndpoint?: string }, heartbeat: () => Heartbeat) {
  return {
    async generateCode(input: { request: string }): Promise<GeneratedCode> {
      const template = matchTemplate(input.request);
      if (!template)
        return {
          status: 'no-template',
          request: input.request,
          templates: CODE_TEMPLATES.map((t) => t.title),
        };
      const beat = heartbeat();
      const dir = scratchProject('medic-code-');
      try {
        writeFileSync(join(dir, 'code.ts'), template.source);
        writeFileSync(join(dir, 'code.test.ts'), template.test);
        const typecheck = await runCommand('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], {
          cwd: dir,
          beat: () => beat('type-checking the generated code'),
        });
        const tests =
          typecheck.ok && settings.awsEndpoint
            ? await runCommand('npx', ['--no-install', 'jest', '--ci', '-c', 'jest.config.js'], {
                cwd: dir,
                env: { AWS_ENDPOINT_URL: settings.awsEndpoint },
                beat: () => beat('running the generated test against the emulator'),
              })
            : undefined;
        const status = !typecheck.ok || tests?.ok === false ? 'failed' : tests ? 'verified' : 'untested';
        return {
          status,
          request: input.request,
          template: { id: template.id, title: template.title, packages: template.packages },
          source: template.source,
          test: template.test,
          checks: `type check: ${typecheck.ok ? 'passed' : 'failed'}\n${tail(typecheck.output, 10)}\ntest: ${tests ? (tests.ok ? 'passed' : 'failed') : 'not run (no local emulator configured)'}\n${tail(tests?.output ?? '', 12)}`,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
