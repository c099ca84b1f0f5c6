export { incidentWorkflow } from './incident';
export { fleetMonitorWorkflow } from './fleet-monitor';
