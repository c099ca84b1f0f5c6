import type { Client } from '@temporalio/client';

export interface RecentIncidentsInput {
  resourceId: string;
  windowMinutes: number;
  /** Only incidents of this kind; every kind when absent. */
  kind?: string;
}

/** How many incidents closed on a resource within the window, from Temporal visibility (the asking one is still running, so it never counts itself). */
export function createIncidentHistoryActivities(temporal: Client) {
  async function countRecentIncidents(input: RecentIncidentsInput): Promise<number> {
    const since = new Date(Date.now() - input.windowMinutes * 60_000).toISOString();
    const query = [
      `WorkflowType = 'incidentWorkflow'`,
      `MedicResource = '${input.resourceId.replace(/'/g, '')}'`,
      `ExecutionStatus != 'Running'`,
      ...(input.kind ? [`MedicKind = '${input.kind.replace(/'/g, '')}'`] : []),
      `CloseTime > '${since}'`,
    ].join(' AND ');
    const { count } = await temporal.workflow.count(query);
    return count;
  }
  return { countRecentIncidents };
}
