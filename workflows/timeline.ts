import { upsertSearchAttributes } from '@temporalio/workflow';
import type { IncidentState, IncidentStatus, TimelineEntry } from '../domain/incident';
import { MEDIC_STATUS } from './search-attributes';

/**
 * The timeline of the security agent's incidents: `record` adds a line in the current status,
 * `transition` moves the status (and its search attribute) and records why.
 */
export function incidentTimeline(state: IncidentState) {
  const record = (message: string, outcome: NonNullable<TimelineEntry['outcome']> = 'info') =>
    state.timeline.push({ at: new Date().toISOString(), status: state.status, message, outcome });
  const transition = (status: IncidentStatus, message: string) => {
    state.status = status;
    upsertSearchAttributes([{ key: MEDIC_STATUS, value: status }]);
    record(message);
  };
  return { record, transition };
}
