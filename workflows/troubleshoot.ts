import { proxyActivities } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { troubleshoot, type ResourceEvidence, type TroubleshootReport } from '../domain/troubleshoot';
import { OBSERVATION_OPTIONS } from './activity-options';

const observe = proxyActivities<MedicActivities>(OBSERVATION_OPTIONS);

export interface TroubleshootInput {
  /** The person's words: "the upload issue". */
  topic: string;
  /** Instances or names the person named; empty = find them by the topic. */
  resourceIds: string[];
  requestedBy: string;
}

/**
 * "Troubleshoot the upload issue": find the instances the topic is about, read each one's state,
 * status checks, metrics, firing alarms and recent incidents, and answer with findings and the
 * actions that would help. Reads only: it changes nothing.
 */
export async function troubleshootWorkflow(input: TroubleshootInput): Promise<TroubleshootReport> {
  const resources = await observe.findResources({ topic: input.topic, resourceIds: input.resourceIds });
  const alarms = await observe.firingAlarms({ instanceIds: resources.map((r) => r.instanceId) });
  const evidence: ResourceEvidence[] = await Promise.all(
    resources.map(async (r) => ({
      ...r,
      diagnosis: await observe.diagnoseInstance({ instanceId: r.instanceId, lookbackMinutes: 60 }),
      incidents: await observe.recentIncidentsOn({ resourceId: r.instanceId, hours: 24 }),
      alarms: alarms[r.instanceId] ?? [],
    })),
  );
  return troubleshoot(input.topic, evidence);
}
