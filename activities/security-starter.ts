import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '../domain/config';
import { incidentWorkflowId } from '../domain/ids';
import type { Mode } from '../domain/incident';
import { ruleKey, type IngressRule } from '../domain/security';
import {
  MEDIC_KIND,
  MEDIC_MODE,
  MEDIC_RESOURCE,
  MEDIC_SEVERITY,
  MEDIC_STATUS,
} from '../workflows/search-attributes';
import { startOrJoinIncident } from './start-or-join';

/** Opens the security agent's incident for an exposed rule, or records the sighting on the open one. */
export async function openSecurityIncident(
  client: Client,
  rule: IngressRule,
  options: { mode?: Mode; dryRun?: boolean; source?: string } = {},
): Promise<{ incidentId: string; created: boolean }> {
  const resource = ruleKey(rule);
  return startOrJoinIncident(
    client,
    {
      workflowType: 'securityIncidentWorkflow',
      workflowId: incidentWorkflowId(resource, 'security-group-open'),
      taskQueue: TASK_QUEUES.security,
      args: [{ rule, ...options }],
      searchAttributes: [
        { key: MEDIC_RESOURCE, value: resource },
        { key: MEDIC_KIND, value: 'security-group-open' },
        { key: MEDIC_STATUS, value: 'detected' },
        { key: MEDIC_SEVERITY, value: 'critical' },
        { key: MEDIC_MODE, value: options.mode ?? 'auto' },
      ],
    },
    { source: options.source ?? 'security-scan', summary: 'seen again' },
  );
}
