/**
 * The fleet's dependency graph: an edge from a resource to what it depends on (a load balancer on
 * its instances, an instance on its volume, security group, subnet and database). A fault in a
 * dependency shows up in its dependents, so evidence travels against the edges.
 */

export const KINDS = ['load-balancer', 'instance', 'volume', 'security-group', 'subnet', 'database'] as const;
export type ResourceKind = (typeof KINDS)[number];

export interface ResourceGraph {
  /** `group`: an instance's Auto Scaling group, whose members serve the same requests. */
  nodes: { id: string; kind: ResourceKind; group?: string }[];
  /** dependent → its dependencies */
  dependsOn: Record<string, string[]>;
}

export function dependentsOf(graph: ResourceGraph): Record<string, string[]> {
  const dependents: Record<string, string[]> = Object.fromEntries(graph.nodes.map((n) => [n.id, []]));
  for (const [from, tos] of Object.entries(graph.dependsOn))
    for (const to of tos) (dependents[to] ??= []).push(from);
  return dependents;
}

/** Every resource a fault in `id` can reach: its dependents, theirs, and so on. */
export function blastRadius(id: string, dependents: Record<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(dependents[id] ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(dependents[next] ?? []));
  }
  return seen;
}
