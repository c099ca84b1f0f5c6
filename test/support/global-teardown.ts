import type { ChildProcess } from 'node:child_process';

/** How long moto may take to stop on SIGTERM before it is killed outright. */
const STOP_GRACE_MS = 5_000;

/**
 * Stops the run's AWS emulator and waits until it has gone: a child still exiting is a live handle,
 * and jest would report that it "did not exit one second after the test run".
 */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __motoProcess?: ChildProcess }).__motoProcess;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killer);
}
