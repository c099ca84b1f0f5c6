import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where `make build` writes the workflow bundle (dist/workflow-bundle.js). */
export const PREBUILT_BUNDLE = join(__dirname, '..', 'workflow-bundle.js');

/** The compiled code a workflow bundle is made of: the workflows and the pure domain they import. */
const BUNDLED_SOURCES = ['workflows', 'domain'].map((d) => join(__dirname, '..', d));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `bundle` when it exists and is at least as new as every file under `sources`; else undefined. */
export function freshBundle(bundle: string, sources: string[]): string | undefined {
  if (!existsSync(bundle)) return undefined;
  const built = statSync(bundle).mtimeMs;
  return sources
    .filter((d) => existsSync(d))
    .map(newestMtime)
    .every((m) => m <= built)
    ? bundle
    : undefined;
}

/**
 * The prebuilt bundle's path when it is at least as new as every compiled workflow and domain file;
 * undefined when it is missing or stale (a `tsc` after the last `make build`), so the worker bundles.
 */
export const freshPrebuiltBundle = (): string | undefined => freshBundle(PREBUILT_BUNDLE, BUNDLED_SOURCES);
