import type { ChildProcess } from 'node:child_process';

/** How long moto may take to stop on SIGTERM before it is killed outright. */
const STOP_GRACE_MS = 5_000;

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killer);
}

/**
 * Stops the run's AWS emulators and waits until they have gone: a child still exiting is a live
 * handle, and jest would report that it "did not exit one second after the test run".
 */
export default async function globalTeardown(): Promise<void> {
  const children = (globalThis as { __motoProcesses?: ChildProcess[] }).__motoProcesses ?? [];
  await Promise.all(children.map(stop));
}
