import { proxyActivities } from '@temporalio/workflow';
import type { GeneratedCode, MedicActivities } from '../activities';
import { CODING_OPTIONS } from './activity-options';

const coding = proxyActivities<MedicActivities>(CODING_OPTIONS);

/**
 * A request for code ("write a function that uploads a file to S3"), on the coding agent's queue:
 * the template's code and test, checked before the answer. Its history in the Web UI records who
 * asked for what.
 */
export async function codeRequestWorkflow(input: {
  request: string;
  requestedBy: string;
}): Promise<GeneratedCode> {
  return coding.generateCode({ request: input.request });
}
