import type { Severity } from '../incident';
import type { ResourceGraph, ResourceKind } from './graph';
import { rankRootCauses, type RankedCause, type RootCauseModel } from './ranking';

/** How strongly an open incident says its resource is anomalous. */
const EVIDENCE_BY_SEVERITY: Record<Severity, number> = { critical: 1, high: 0.9, medium: 0.75, low: 0.6 };

export interface LiveInstance {
  instanceId: string;
  volumeIds: string[];
  securityGroupIds: string[];
  subnetId?: string;
}

/** The fleet's graph as EC2 describes it: each instance depends on its volumes, groups and subnet. */
export function fleetGraph(instances: LiveInstance[]): ResourceGraph {
  const nodes = new Map<string, ResourceKind>();
  const dependsOn: Record<string, string[]> = {};
  for (const i of instances) {
    nodes.set(i.instanceId, 'instance');
    const deps = [...i.volumeIds, ...i.securityGroupIds, ...(i.subnetId ? [i.subnetId] : [])];
    for (const id of i.volumeIds) nodes.set(id, 'volume');
    for (const id of i.securityGroupIds) nodes.set(id, 'security-group');
    if (i.subnetId) nodes.set(i.subnetId, 'subnet');
    dependsOn[i.instanceId] = deps;
  }
  return { nodes: [...nodes.entries()].map(([id, kind]) => ({ id, kind })), dependsOn };
}

export interface RootCauseRanking {
  /** The registry version (or the shipped one) that ranked. */
  modelVersion: string;
  /** Resources alarming together (open incidents on them). */
  alarming: string[];
  top: RankedCause[];
}

/**
 * Ranks the likely root cause when several resources of a fleet alarm together; undefined when
 * this incident's resource is alone (nothing to rank).
 */
export function rankLiveIncidents(
  graph: ResourceGraph,
  openIncidents: { resourceId: string; severity: Severity }[],
  model: RootCauseModel,
): RootCauseRanking | undefined {
  const inGraph = new Set(graph.nodes.map((n) => n.id));
  const evidence: Record<string, number> = {};
  for (const incident of openIncidents)
    if (inGraph.has(incident.resourceId))
      evidence[incident.resourceId] = Math.max(
        evidence[incident.resourceId] ?? 0,
        EVIDENCE_BY_SEVERITY[incident.severity],
      );
  const alarming = Object.keys(evidence).sort();
  if (alarming.length < 2) return undefined;
  return { modelVersion: model.version, alarming, top: rankRootCauses(graph, evidence, model).slice(0, 3) };
}
