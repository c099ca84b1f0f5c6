import { execFile } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

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
