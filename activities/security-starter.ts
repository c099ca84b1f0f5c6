import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '../domain/config';
import { incidentWorkflowId } from '../domain/ids';
import { DECISION_HOLDS, type HeldDecision } from '../domain/decision-hold';
import type { Mode } from '../domain/incident';
import { ruleKey, type IngressRule } from '../domain/security';
import { incidentStartAttributes } from '../workflows/search-attributes';
import { startOrJoinIncident } from './start-or-join';

/** Opens the security agent's incident for an exposed rule, or records the sighting on the open one. */
export async function openSecurityIncident(
  client: Client,
  rule: IngressRule,
  options: { mode?: Mode; dryRun?: boolean; source?: string } = {},
): Promise<{ incidentId: string; created: boolean; held?: HeldDecision }> {
  const resource = ruleKey(rule);
  return startOrJoinIncident(
    client,
    {
      workflowType: 'securityIncidentWorkflow',
      workflowId: incidentWorkflowId(resource, 'security-group-open'),
      taskQueue: TASK_QUEUES.security,
      args: [{ rule, ...options }],
      searchAttributes: incidentStartAttributes({
        resourceId: resource,
        kind: 'security-group-open',
        severity: 'critical',
        mode: options.mode ?? 'auto',
      }),
      decisionHoldMs: DECISION_HOLDS.exposure,
    },
    { source: options.source ?? 'security-scan', summary: 'seen again' },
  );
}
