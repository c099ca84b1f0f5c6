import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { packagesKeptOut } from '../workers/bundle-contents';
import { PREBUILT_BUNDLE } from '../workers/prebuilt-bundle';

/**
 * Bundles the workflow code once at build time, so a worker (re)starts in about a second instead
 * of running webpack each time: a crashed worker is back sooner (decision 0038). The build fails
 * when a workflow pulls in a package kept out of workflows (decision 0058).
 */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  const keptOut = packagesKeptOut(code);
  if (keptOut.length > 0) {
    console.error(
      `workflow bundle: ${keptOut.join(', ')} must stay out of workflow code (decision 0058). A workflow ` +
        'imports a value from a module that imports it: move what the workflow needs into a module of ' +
        'its own, or import only types (`import type`).',
    );
    process.exit(1);
  }
  await writeFile(PREBUILT_BUNDLE, code);
  console.log(`workflow bundle: ${PREBUILT_BUNDLE} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
