import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { Client } from '@temporalio/client';
import { INCIDENT_TYPES_CLAUSE } from '../domain/ids';
import { matchesTopic, topicKeywords } from '../domain/troubleshoot';
import { MEDIC_KIND, MEDIC_STATUS } from '../workflows/search-attributes';

const MAX_RESOURCES = 10;
const tagsOf = (i: Instance) => Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** What the troubleshoot workflow reads: instances by topic, their alarms, their incidents. */
export function createTroubleshootActivities(ec2: EC2Client, cloudwatch: CloudWatchClient, temporal: Client) {
  /** Named instances as given, or every live instance whose name or tags mention the topic. */
  async function findResources(input: {
    topic: string;
    resourceIds: string[];
  }): Promise<{ instanceId: string; name?: string }[]> {
    const keywords = topicKeywords(input.topic);
    const ids = input.resourceIds.filter((r) => r.startsWith('i-'));
    const names = input.resourceIds.filter((r) => !r.startsWith('i-'));
    const found: { instanceId: string; name?: string }[] = [];
    let nextToken: string | undefined;
    do {
      const out = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
          NextToken: nextToken,
        }),
      );
      for (const instance of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        const tags = tagsOf(instance);
        const id = instance.InstanceId ?? '';
        const wanted =
          ids.includes(id) ||
          names.includes(tags.Name ?? '') ||
          (input.resourceIds.length === 0 && keywords.length > 0 && matchesTopic(tags, keywords));
        if (wanted) found.push({ instanceId: id, ...(tags.Name ? { name: tags.Name } : {}) });
      }
      nextToken = out.NextToken;
    } while (nextToken && found.length < MAX_RESOURCES);
    return found.slice(0, MAX_RESOURCES);
  }

  async function firingAlarms(input: {
    instanceIds: string[];
  }): Promise<Record<string, { name: string; reason?: string }[]>> {
    const out = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM', MaxRecords: 100 }));
    const byInstance: Record<string, { name: string; reason?: string }[]> = {};
    for (const alarm of out.MetricAlarms ?? []) {
      const instance = alarm.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value;
      if (!instance || !input.instanceIds.includes(instance)) continue;
      (byInstance[instance] ??= []).push({
        name: alarm.AlarmName ?? '?',
        ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
      });
    }
    return byInstance;
  }

  async function recentIncidentsOn(input: {
    resourceId: string;
    hours: number;
  }): Promise<{ id: string; status?: string; kind?: string; openedAt: string }[]> {
    const since = new Date(Date.now() - input.hours * 3_600_000).toISOString();
    const incidents: { id: string; status?: string; kind?: string; openedAt: string }[] = [];
    for await (const info of temporal.workflow.list({
      query: `${INCIDENT_TYPES_CLAUSE} AND MedicResource = '${input.resourceId.replace(/'/g, '')}' AND StartTime > '${since}'`,
      pageSize: 20,
    })) {
      incidents.push({
        id: info.workflowId,
        status: info.typedSearchAttributes.get(MEDIC_STATUS),
        kind: info.typedSearchAttributes.get(MEDIC_KIND),
        openedAt: info.startTime.toISOString(),
      });
      if (incidents.length >= 20) break;
    }
    return incidents;
  }

  return { findResources, firingAlarms, recentIncidentsOn };
}
