import type { AnyIncidentKind, Severity } from '../incident';
import type { ResourceGraph, ResourceKind } from './graph';
import { rankRootCauses, type RankedCause, type RootCauseModel } from './ranking';

/** How strongly an open incident says its resource is anomalous. */
const EVIDENCE_BY_SEVERITY: Record<Severity, number> = { critical: 1, high: 0.9, medium: 0.75, low: 0.6 };

/**
 * The incident kinds that say a resource misbehaves in a way a failing dependency can cause — the
 * evidence the ranking propagates. Left out: configuration findings (an SSH port open to the world,
 * a non-compliant bucket: nothing is failing, and an open rule on the fleet's group once "explained"
 * a sibling's CPU), state changes someone made (stopped, terminated), requests (a restart asked
 * for), cost findings, and forecasts of a resource's own creeping use (disk, memory).
 */
const FAULT_EVIDENCE_KINDS: ReadonlySet<AnyIncidentKind> = new Set<AnyIncidentKind>([
  'status-check-failed',
  'cpu-high',
  'latency-high',
  'error-rate-rising',
  'data-corrupted',
  'instance-compromised',
  'traffic-flood',
]);

/** Whether an open incident of this kind is evidence for the root-cause ranking; an unknown kind is not. */
export const isFaultEvidence = (kind: string | undefined): boolean =>
  kind !== undefined && FAULT_EVIDENCE_KINDS.has(kind as AnyIncidentKind);

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
  /** Resources alarming together (open incidents on them whose kind is fault evidence). */
  alarming: string[];
  top: RankedCause[];
}

/**
 * Ranks the likely root cause when several resources of a fleet alarm together with faults
 * (`isFaultEvidence`); undefined when fewer than two do (nothing to rank).
 */
export function rankLiveIncidents(
  graph: ResourceGraph,
  openIncidents: { resourceId: string; severity: Severity; kind?: string }[],
  model: RootCauseModel,
): RootCauseRanking | undefined {
  const inGraph = new Set(graph.nodes.map((n) => n.id));
  const evidence: Record<string, number> = {};
  for (const incident of openIncidents)
    if (inGraph.has(incident.resourceId) && isFaultEvidence(incident.kind))
      evidence[incident.resourceId] = Math.max(
        evidence[incident.resourceId] ?? 0,
        EVIDENCE_BY_SEVERITY[incident.severity],
      );
  const alarming = Object.keys(evidence).sort();
  if (alarming.length < 2) return undefined;
  return { modelVersion: model.version, alarming, top: rankRootCauses(graph, evidence, model).slice(0, 3) };
}
