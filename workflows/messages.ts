import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Alert, Decision, IncidentState, IncidentStatus } from '../domain/incident';

/** A repeated alert for a resource whose incident is open joins that incident. */
export const alertSignal = defineSignal<[Alert]>('alert');

export interface DecisionAck {
  accepted: true;
  status: IncidentStatus;
}
/** A person's decision on a MANUAL incident; rejected unless the incident awaits one. */
export const decisionUpdate = defineUpdate<DecisionAck, [Decision]>('decide');

export const incidentStateQuery = defineQuery<IncidentState>('incidentState');

export const stopMonitoringSignal = defineSignal('stopMonitoring');

export const NOT_AWAITING_DECISION = 'NotAwaitingDecision';
export const INVALID_DECISION = 'InvalidDecision';
