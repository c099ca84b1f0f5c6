/**
 * Packages the workflow bundle must not carry. Every worker thread compiles the whole bundle at
 * start, so parsers and validators that only activities and the API use (zod alone was a megabyte)
 * slow every restart and every test worker; the AWS SDK and the HTTP server would be I/O in
 * workflow code besides (decision 0058).
 */
export const KEPT_OUT_OF_WORKFLOWS: readonly string[] = ['zod', 'yaml', '@aws-sdk', 'express', 'pino'];

/** Webpack (development mode, as the Temporal bundler runs it) heads each module with its path. */
const MODULE_HEADER = /\/\*\*\*\/ "\.\/node_modules\/((?:@[^/"]+\/)?[^/"]+)\//g;

/** The npm packages a workflow bundle holds, in name order. */
export function bundledPackages(code: string): string[] {
  return [...new Set([...code.matchAll(MODULE_HEADER)].map((m) => m[1] ?? ''))].sort();
}

/** The bundled packages that are kept out of workflows, matched by name or by scope (`@aws-sdk`). */
export function packagesKeptOut(code: string): string[] {
  return bundledPackages(code).filter((name) =>
    KEPT_OUT_OF_WORKFLOWS.some((kept) => name === kept || name.startsWith(`${kept}/`)),
  );
}
