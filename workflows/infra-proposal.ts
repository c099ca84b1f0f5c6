import { proxyActivities } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { CODING_OPTIONS } from './activity-options';
import type { DriftSource } from '../domain/infra-change';
import type { IncidentState } from '../domain/incident';

const coding = proxyActivities<MedicActivities>(CODING_OPTIONS);

/**
 * After a fix that changed something the Pulumi program defines, the coding agent proposes the
 * matching change to the infrastructure code (a branch, checked, never pushed). The proposal is
 * attached to the incident; a failure to propose is written down and never reopens the incident.
 */
export async function proposeInfraChange(
  state: IncidentState,
  source: DriftSource,
  note: (message: string) => void,
): Promise<void> {
  try {
    const proposal = await coding.proposeInfraPatch({ incidentId: state.incidentId, source });
    if (proposal.status === 'not-configured') return;
    state.infraProposal = proposal;
    note(
      `Coding agent: ${proposal.status === 'proposed' ? 'proposed' : proposal.status === 'checks-failed' ? 'drafted (its checks failed)' : 'no change needed'} — ${proposal.summary}${proposal.branch ? ` (branch ${proposal.branch}, not pushed)` : ''}`,
    );
  } catch (err) {
    note(`Coding agent: no proposal (${(err as Error).message})`);
  }
}
