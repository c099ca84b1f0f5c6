import { dependentsOf, type ResourceGraph } from './graph';
import type { Evidence } from './ranking';

/**
 * Simulated cascades over random fleets shaped like ours: one root fault, which each dependent
 * shows with some probability and attenuation, plus unrelated noisy alarms and unmonitored roots.
 */

export interface Cascade {
  graph: ResourceGraph;
  root: string;
  evidence: Evidence;
  /** The resources the fault reached, root included: what a propagation model learns from. */
  affected: string[];
}

export function randomFleetGraph(random: () => number): ResourceGraph {
  const nodes: ResourceGraph['nodes'] = [{ id: 'alb-1', kind: 'load-balancer' }];
  const dependsOn: ResourceGraph['dependsOn'] = { 'alb-1': [] };
  const subnets = ['subnet-a', 'subnet-b'];
  const groups = random() < 0.5 ? ['sg-web'] : ['sg-web', 'sg-admin'];
  nodes.push(...subnets.map((id) => ({ id, kind: 'subnet' as const })));
  nodes.push(...groups.map((id) => ({ id, kind: 'security-group' as const })));
  nodes.push({ id: 'db-1', kind: 'database' });
  const instances = 4 + Math.floor(random() * 9);
  for (let i = 0; i < instances; i++) {
    const id = `i-${i}`;
    nodes.push({ id, kind: 'instance' }, { id: `vol-${i}`, kind: 'volume' });
    dependsOn[id] = [
      `vol-${i}`,
      subnets[i % subnets.length] ?? 'subnet-a',
      groups[Math.floor(random() * groups.length)] ?? 'sg-web',
      ...(random() < 0.8 ? ['db-1'] : []),
    ];
    dependsOn['alb-1']?.push(id);
  }
  return { nodes, dependsOn };
}

export interface CascadeNoise {
  /** Chance that each dependent of an affected resource is affected too. */
  propagation: number;
  /** Chance that the root itself has no anomalous metric (unmonitored or quiet). */
  silentRoot: number;
  /** Chance that an unrelated resource alarms anyway. */
  spuriousAlarm: number;
}

export const DEFAULT_CASCADE_NOISE: CascadeNoise = {
  propagation: 0.85,
  silentRoot: 0.1,
  spuriousAlarm: 0.01,
};

export function simulateCascade(random: () => number, noise: CascadeNoise = DEFAULT_CASCADE_NOISE): Cascade {
  const graph = randomFleetGraph(random);
  const root = graph.nodes[Math.floor(random() * graph.nodes.length)]?.id ?? 'alb-1';
  const dependents = dependentsOf(graph);
  const evidence: Evidence = {};
  for (const n of graph.nodes)
    evidence[n.id] = random() < noise.spuriousAlarm ? 0.5 + 0.5 * random() : 0.3 * random();
  evidence[root] = random() < noise.silentRoot ? 0.3 * random() : 0.7 + 0.3 * random();
  // Breadth-first from the root: each affected resource may pass the fault to its dependents.
  const affected = new Set([root]);
  const queue = [root];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const d of dependents[id] ?? []) {
      if (affected.has(d) || random() >= noise.propagation) continue;
      affected.add(d);
      evidence[d] = Math.max(evidence[d] ?? 0, 0.55 + 0.45 * random());
      queue.push(d);
    }
  }
  return { graph, root, evidence, affected: [...affected] };
}
