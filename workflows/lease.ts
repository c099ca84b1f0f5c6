import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import {
  leaseGrantedSignal,
  releaseLeaseSignal,
  requestLeaseSignal,
  type LeaseRequestMessage,
} from './messages';
import { REMEDIATION_BUDGET_WORKFLOW_ID } from './remediation-budget';

/** The incident's side of the blast-radius budget: ask for a lease, wait for it, give it back. */
export function leaseClient() {
  const granted = new Set<string>();
  setHandler(leaseGrantedSignal, (leaseId) => {
    granted.add(leaseId);
  });
  const budget = () => getExternalWorkflowHandle(REMEDIATION_BUDGET_WORKFLOW_ID);

  async function release(leaseId: string): Promise<void> {
    granted.delete(leaseId);
    await budget().signal(releaseLeaseSignal, leaseId);
  }

  /** True once granted; false when the wait timed out (the request is then withdrawn). */
  async function acquire(request: LeaseRequestMessage, timeoutMs: number): Promise<boolean> {
    await budget().signal(requestLeaseSignal, request);
    if (await condition(() => granted.has(request.leaseId), timeoutMs)) return true;
    await release(request.leaseId);
    return false;
  }

  return { acquire, release };
}
