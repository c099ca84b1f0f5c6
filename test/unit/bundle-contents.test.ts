import { readFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundledPackages, packagesKeptOut } from '../../workers/bundle-contents';
import { workflowBundle } from '../support/env';

const quiet = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

async function shippedBundleCode(): Promise<string> {
  const bundle = await workflowBundle();
  return 'code' in bundle ? bundle.code : readFile(bundle.codePath, 'utf8');
}

describe('what the workflow bundle carries', () => {
  test('packages are read from the module headers, scoped ones by scope and name', () => {
    const code = [
      '/***/ "./node_modules/zod/v4/core/schemas.cjs"',
      '/***/ "./node_modules/zod/v4/classic/schemas.cjs"',
      '/***/ "./node_modules/@aws-sdk/client-ec2/dist-cjs/index.js"',
      '/***/ "./dist/domain/drift.js"',
      '/***/ "./node_modules/ms/index.js"',
    ].join('\n');
    expect(bundledPackages(code)).toEqual(['@aws-sdk/client-ec2', 'ms', 'zod']);
    expect(packagesKeptOut(code)).toEqual(['@aws-sdk/client-ec2', 'zod']);
  });

  test('the shipped workflows carry the Temporal SDK and none of the packages kept out', async () => {
    const code = await shippedBundleCode();
    expect(bundledPackages(code)).toContain('@temporalio/workflow');
    expect(packagesKeptOut(code)).toEqual([]);
  });

  test('a workflow that validates with zod is caught', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/workflows/validates-with-zod'),
      logger: quiet,
    });
    expect(packagesKeptOut(code)).toEqual(['zod']);
  }, 60_000);
});
