import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __motoProcess?: ChildProcess }).__motoProcess;
  child?.kill('SIGTERM');
}
