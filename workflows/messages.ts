import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BudgetState, LeaseRequest } from '../domain/budget';
import type { Alert, Decision, DecisionAck, IncidentState } from '../domain/incident';

/** A repeated alert for a resource whose incident is open joins that incident. */
export const alertSignal = defineSignal<[Alert]>('alert');

export type { DecisionAck };
/** A person's decision on a MANUAL incident; rejected unless the incident awaits one. */
export const decisionUpdate = defineUpdate<DecisionAck, [Decision]>('decide');

export const incidentStateQuery = defineQuery<IncidentState>('incidentState');

/** A line for the incident's timeline from outside it: a person's word on the detection that opened it. */
export const timelineNoteSignal = defineSignal<[string]>('timelineNote');
/** Longer notes are cut: the timeline is read in a list. */
export const MAX_TIMELINE_NOTE = 500;

export const stopMonitoringSignal = defineSignal('stopMonitoring');

export const NOT_AWAITING_DECISION = 'NotAwaitingDecision';
export const INVALID_DECISION = 'InvalidDecision';
/** A well-formed decision the incident cannot take: a stale plan hash, or an approver approving twice. */
export const DECISION_REFUSED = 'DecisionRefused';

/** Blast-radius budget: an incident asks for a lease per remediation step and releases it after. */
export const requestLeaseSignal = defineSignal<[LeaseRequestMessage]>('requestLease');
export const releaseLeaseSignal = defineSignal<[string]>('releaseLease');
/** Sent by the budget to the incident that asked. */
export const leaseGrantedSignal = defineSignal<[string]>('leaseGranted');
export const budgetStateQuery = defineQuery<BudgetState>('budgetState');

export type LeaseRequestMessage = Omit<LeaseRequest, 'requestedAt'>;
