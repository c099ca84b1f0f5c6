import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CommandResult {
  ok: boolean;
  output: string;
}

/**
 * Runs a command (no shell) with a time limit, calling `beat` every few seconds so the activity
 * heartbeats while a type check or a test suite runs. Never throws for a failing command: its
 * exit code and output are the result.
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; beat?: () => void },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const timer = options.beat ? setInterval(options.beat, 5000) : undefined;
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, CI: 'true', FORCE_COLOR: '0', ...options.env },
      },
      (error, stdout, stderr) => {
        if (timer) clearInterval(timer);
        resolve({ ok: !error, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

/** The last lines of a long output: what a report can show. */
export function tail(output: string, lines = 30): string {
  return output.split('\n').slice(-lines).join('\n');
}

/**
 * Gives a scratch directory the installed dependencies of `from` (a checkout with node_modules),
 * so the project's own TypeScript, ESLint and jest run there without an install.
 */
export function linkDependencies(from: string, to: string, dirs: string[] = ['node_modules']): void {
  for (const dir of dirs) {
    const source = join(from, dir);
    const target = join(to, dir);
    if (existsSync(source) && !existsSync(target)) symlinkSync(source, target, 'dir');
  }
}

/** The cloud-medic checkout this code runs from (its node_modules serve scratch workspaces). */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cloud-medic'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no cloud-medic checkout above ${start}`);
    dir = parent;
  }
}

/** A scratch TypeScript project: strict, Node and jest types, jest with swc, dependencies linked. */
export function scratchProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  linkDependencies(projectRoot(), dir);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          lib: ['ES2022'],
          types: ['node', 'jest'],
          strict: true,
          noUnusedLocals: true,
          noEmit: true,
          esModuleInterop: true,
          skipLibCheck: true,
        },
        include: ['*.ts'],
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'jest.config.js'),
    `module.exports = {\n  testEnvironment: 'node',\n  transform: { '^.+\\\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },\n  testMatch: ['<rootDir>/*.test.ts'],\n  testTimeout: 30000,\n};\n`,
  );
  return dir;
}
