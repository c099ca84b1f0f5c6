export { incidentWorkflow } from './incident';
export { fleetMonitorWorkflow } from './fleet-monitor';
export { remediationBudgetWorkflow } from './remediation-budget';
export { retrainModelWorkflow } from './retrain';
export { securityIncidentWorkflow } from './security-incident';
export { autonomyPolicyWorkflow } from './autonomy-policy';
export { scalingAgentWorkflow } from './scaling-agent';
export { customTaskWorkflow } from './custom-task';
