import type { AnyIncidentKind, Severity } from '../incident';
import { blastRadius, dependentsOf, type ResourceGraph, type ResourceKind } from './graph';
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
  'traffic-surge',
  'request-surge',
  'egress-surge',
  'not-serving',
  'error-rate-rising',
  'data-corrupted',
  'instance-compromised',
  'traffic-flood',
]);

/** Whether an open incident of this kind is evidence for the root-cause ranking; an unknown kind is not. */
export const isFaultEvidence = (kind: string | undefined): boolean =>
  kind !== undefined && FAULT_EVIDENCE_KINDS.has(kind as AnyIncidentKind);

/**
 * What a failing dependency of each kind can make its dependents report. A security group or a
 * subnet does not run anyone's CPU hot; a volume does not open a port. A candidate that can cause
 * none of the symptoms alarming within its reach is not offered as a cause, however central it sits
 * in the graph (the model ranks by where alarms are, not by what they say). Instances are their own
 * causes for every kind.
 */
const DEPENDENCY_CAN_CAUSE: Record<Exclude<ResourceKind, 'instance'>, ReadonlySet<AnyIncidentKind>> = {
  volume: new Set(['status-check-failed', 'latency-high', 'error-rate-rising', 'data-corrupted']),
  'security-group': new Set([
    'latency-high',
    'error-rate-rising',
    'traffic-flood',
    'instance-compromised',
    'not-serving',
  ]),
  subnet: new Set([
    'status-check-failed',
    'latency-high',
    'error-rate-rising',
    'traffic-flood',
    'not-serving',
  ]),
  database: new Set(['latency-high', 'error-rate-rising', 'data-corrupted', 'not-serving']),
  'load-balancer': new Set(['latency-high', 'error-rate-rising']),
};

/**
 * Kinds a dependency causes only where it shows on two or more of the instances it reaches, none of
 * them beside a sibling (a member of its Auto Scaling group) that the dependency also reaches and that
 * does not show it. A member that stopped serving alone is found only while its siblings serve through
 * the same balancer, groups and subnet (decision 0066), so nothing it shares with them is its cause,
 * whatever else stopped elsewhere; members that stopped together (decision 0067) may well share one.
 */
const CAUSED_ONLY_TOGETHER: ReadonlySet<AnyIncidentKind> = new Set(['not-serving']);

export interface LiveInstance {
  instanceId: string;
  /** Its Auto Scaling group: the siblings that serve the same requests. */
  group?: string;
  volumeIds: string[];
  securityGroupIds: string[];
  subnetId?: string;
  /** Databases it uses (its `medic:databases` tag): a failing one shows in every instance on it. */
  databases?: string[];
  /** Load balancers it serves behind (its group's target groups): they depend on it. */
  loadBalancers?: string[];
}

/**
 * The fleet's graph as EC2, tags and ELB describe it: each instance depends on its volumes, groups,
 * subnet and databases; a load balancer depends on the instances behind it.
 */
export function fleetGraph(instances: LiveInstance[]): ResourceGraph {
  const nodes = new Map<string, ResourceKind>();
  const groups = new Map<string, string>();
  const dependsOn: Record<string, string[]> = {};
  for (const i of instances) {
    nodes.set(i.instanceId, 'instance');
    if (i.group) groups.set(i.instanceId, i.group);
    const databases = i.databases ?? [];
    const deps = [...i.volumeIds, ...i.securityGroupIds, ...(i.subnetId ? [i.subnetId] : []), ...databases];
    for (const id of i.volumeIds) nodes.set(id, 'volume');
    for (const id of i.securityGroupIds) nodes.set(id, 'security-group');
    if (i.subnetId) nodes.set(i.subnetId, 'subnet');
    for (const id of databases) nodes.set(id, 'database');
    dependsOn[i.instanceId] = deps;
    for (const lb of i.loadBalancers ?? []) {
      nodes.set(lb, 'load-balancer');
      (dependsOn[lb] ??= []).push(i.instanceId);
    }
  }
  return {
    nodes: [...nodes.entries()].map(([id, kind]) => {
      const group = groups.get(id);
      return group ? { id, kind, group } : { id, kind };
    }),
    dependsOn,
  };
}

export interface RootCauseRanking {
  /** The registry version (or the shipped one) that ranked. */
  modelVersion: string;
  /** Resources alarming together (open incidents on them whose kind is fault evidence). */
  alarming: string[];
  top: RankedCause[];
  /**
   * The best-ranked cause of the incident's own resource: itself or something it depends on. Absent
   * in rankings recorded before it was kept (and when no resource was named).
   */
  causeOfResource?: string;
  /**
   * True when no candidate can cause the symptoms of more than one alarming resource: the alarms share nothing that can
   * cause them, and for a resource that is its own likeliest cause the scores rank coincidences, not
   * suspects (a failing volume can still be the cause of the one instance on it).
   */
  independent?: true;
}

/**
 * Ranks the likely root cause when several resources of a fleet alarm together with faults
 * (`isFaultEvidence`); undefined when fewer than two do (nothing to rank), or when `resourceId` is
 * named and neither it nor anything it depends on is among the causes.
 */
export function rankLiveIncidents(
  graph: ResourceGraph,
  openIncidents: { resourceId: string; severity: Severity; kind?: string }[],
  model: RootCauseModel,
  resourceId?: string,
): RootCauseRanking | undefined {
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const groupOf = new Map(graph.nodes.flatMap((n) => (n.group ? [[n.id, n.group] as const] : [])));
  const evidence: Record<string, number> = {};
  const symptoms = new Map<string, AnyIncidentKind[]>();
  for (const incident of openIncidents) {
    if (!kindOf.has(incident.resourceId) || !isFaultEvidence(incident.kind)) continue;
    evidence[incident.resourceId] = Math.max(
      evidence[incident.resourceId] ?? 0,
      EVIDENCE_BY_SEVERITY[incident.severity],
    );
    symptoms.set(incident.resourceId, [
      ...(symptoms.get(incident.resourceId) ?? []),
      incident.kind as AnyIncidentKind,
    ]);
  }
  const alarming = Object.keys(evidence).sort();
  if (alarming.length < 2) return undefined;
  const dependents = dependentsOf(graph);
  // Each candidate's reach is read twice (is it plausible, does it reach this resource): once computed.
  const reaches = new Map<string, Set<string>>();
  const reach = (id: string) => {
    let found = reaches.get(id);
    if (!found) reaches.set(id, (found = new Set([id, ...blastRadius(id, dependents)])));
    return found;
  };
  /** The alarming resources whose symptoms `id` can cause: an instance its own, a dependency those its kind can. */
  const explainedBy = new Map<string, string[]>();
  const explained = (id: string): string[] => {
    let found = explainedBy.get(id);
    if (!found) explainedBy.set(id, (found = whatItExplains(id)));
    return found;
  };
  const shows = (r: string, k: AnyIncidentKind) => symptoms.get(r)?.includes(k) ?? false;
  const whatItExplains = (id: string): string[] => {
    const kind = kindOf.get(id);
    if (kind === 'instance') return symptoms.has(id) ? [id] : [];
    const causes = kind ? DEPENDENCY_CAN_CAUSE[kind] : undefined;
    const reached = [...reach(id)];
    // Where it shows with no sibling beside it that the dependency reaches and that does not show it:
    // the groups with such a sibling, once per kind, so a dependency of thousands is read in one pass.
    const groupsServingThrough = new Map(
      [...CAUSED_ONLY_TOGETHER].map((k) => [
        k,
        new Set(reached.filter((o) => !shows(o, k)).flatMap((o) => groupOf.get(o) ?? [])),
      ]),
    );
    const shownWithoutSibling = (k: AnyIncidentKind, r: string) => {
      const group = groupOf.get(r);
      return shows(r, k) && !(group !== undefined && groupsServingThrough.get(k)?.has(group));
    };
    const together = new Set(
      [...CAUSED_ONLY_TOGETHER].filter((k) => reached.filter((r) => shownWithoutSibling(k, r)).length >= 2),
    );
    const canCause = (k: AnyIncidentKind, r: string) =>
      (causes?.has(k) ?? false) &&
      (!CAUSED_ONLY_TOGETHER.has(k) || (together.has(k) && shownWithoutSibling(k, r)));
    return reached.filter((r) => (symptoms.get(r) ?? []).some((k) => canCause(k, r)));
  };
  const ranked = rankRootCauses(graph, evidence, model).filter((c) => explained(c.resource).length > 0);
  const top = ranked.slice(0, 3);
  const independent = ranked.every((c) => explained(c.resource).length <= 1);
  const ranking = { modelVersion: model.version, alarming, top, ...(independent ? { independent } : {}) };
  if (resourceId === undefined) return ranking;
  // This resource's cause must be able to cause its own symptoms, not merely reach it: a group that
  // can explain a compromised sibling is no cause of this instance's CPU. A ranking with no cause of
  // this resource in it is about other incidents: not this one's to show.
  // A dependency that explains no alarm but this resource's, and that it shares with other instances
  // (a subnet of eight with one failing its checks), is no suspect either: it would show in them. One
  // of its own (its volume) still can be. That holds whether or not other alarms share a cause
  // elsewhere (another tier's outage).
  const sharedWithQuiet = (id: string) =>
    explained(id).length <= 1 && [...reach(id)].some((r) => r !== resourceId && kindOf.get(r) === 'instance');
  const causeOfResource = ranked.find(
    (c) => explained(c.resource).includes(resourceId) && !sharedWithQuiet(c.resource),
  )?.resource;
  return causeOfResource ? { ...ranking, causeOfResource } : undefined;
}
