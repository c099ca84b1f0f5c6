import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { readFleetInstances } from './fleet-graph';
import type { Client } from '@temporalio/client';
import { INCIDENT_TYPES_CLAUSE, OPEN_STATUS_CLAUSE, resourcesClause } from '../domain/ids';
import { SEVERITIES, type Severity } from '../domain/incident';
import { fleetGraph, rankLiveIncidents, type RootCauseRanking } from '../domain/rootcause/live';
import { SHIPPED_ROOT_CAUSE_MODEL, type RootCauseModel } from '../domain/rootcause/ranking';
import { MEDIC_KIND, MEDIC_RESOURCE, MEDIC_SEVERITY } from '../workflows/search-attributes';
import { findInstance, tagValue } from './instances';
import { activeVersion, type ModelStore } from './model-store';
import { FLEET_TAG } from './tags';

/** Visibility queries stay well under the server's query length limits. */
const RESOURCES_PER_QUERY = 100;

/**
 * Root-cause ranking for an incident: the open incidents of its fleet are the evidence, the fleet
 * as EC2, its tags and ELB describe it the graph, and the registry's active `rootcause` version (the shipped one
 * when none is promoted) the model. The version is returned so the report can name it.
 */
export function createRootCauseActivities(
  clients: { ec2: EC2Client; autoscaling: AutoScalingClient; elbv2: ElasticLoadBalancingV2Client },
  temporal: Client,
  store: ModelStore,
) {
  async function activeModel(): Promise<RootCauseModel> {
    const version = await activeVersion(store, 'rootcause');
    return version
      ? { ...(version.parameters as RootCauseModel), version: version.version }
      : SHIPPED_ROOT_CAUSE_MODEL;
  }

  return {
    async rankRootCause(input: { resourceId: string }): Promise<RootCauseRanking | undefined> {
      const instance = await findInstance(clients.ec2, input.resourceId);
      const fleet = instance ? tagValue(instance, FLEET_TAG) : undefined;
      if (!fleet) return undefined;
      const graph = fleetGraph(await readFleetInstances(clients, fleet));
      // Only this fleet's open incidents are evidence: the query names its resources, so the cost
      // is bounded by the fleet, not by every incident open anywhere (a storm elsewhere).
      const open: { resourceId: string; severity: Severity; kind?: string }[] = [];
      const resources = graph.nodes.map((n) => n.id);
      for (let i = 0; i < resources.length; i += RESOURCES_PER_QUERY) {
        const chunk = resources.slice(i, i + RESOURCES_PER_QUERY);
        for await (const execution of temporal.workflow.list({
          query: `${INCIDENT_TYPES_CLAUSE} AND ExecutionStatus = 'Running' AND ${OPEN_STATUS_CLAUSE} AND ${resourcesClause(chunk)}`,
        })) {
          const severity = execution.typedSearchAttributes.get(MEDIC_SEVERITY) as Severity | undefined;
          open.push({
            resourceId: String(execution.typedSearchAttributes.get(MEDIC_RESOURCE) ?? ''),
            severity: severity && SEVERITIES.includes(severity) ? severity : 'medium',
            kind: execution.typedSearchAttributes.get(MEDIC_KIND),
          });
        }
      }
      return rankLiveIncidents(graph, open, await activeModel(), input.resourceId);
    },
  };
}
