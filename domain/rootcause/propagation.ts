import { blastRadius, dependentsOf, type ResourceGraph } from './graph';
import type { Evidence, RankedCause } from './ranking';

/**
 * A generative graph propagation model: a fault starts at one resource and reaches each dependent
 * of an affected resource with probability `propagation` (noisy-OR where several paths meet); the
 * anomaly score each resource shows depends on whether it is the root, reached, or untouched. Each
 * candidate root is ranked by how likely it makes the evidence seen on the whole graph (uniform
 * prior): the explanation a root gives of its dependents' alarms and of the silence elsewhere.
 * Everything is learnt by counting on simulated cascades (./propagation-training.ts).
 */
export interface PropagationModel {
  type: 'propagation';
  version: string;
  /** Chance that a fault passes from a resource to one dependent. */
  propagation: number;
  /** Densities of the anomaly score over BINS equal bins of [0, 1]. */
  root: number[];
  affected: number[];
  unaffected: number[];
}

export const BINS = 20;

/** The histogram bin of an anomaly score (scores outside [0, 1] go to the end bins). */
export const binOf = (score: number) => Math.min(BINS - 1, Math.max(0, Math.floor(score * BINS)));

const density = (histogram: number[], score: number) => histogram[binOf(score)] ?? 1;

/** The resources reachable from `root` along dependents, dependencies before dependents. */
function radiusInOrder(root: string, dependents: Record<string, string[]>, graph: ResourceGraph): string[] {
  const inRadius = blastRadius(root, dependents);
  inRadius.delete(root);
  // Kahn's order inside the radius, so a resource's chance is known before its dependents'.
  const pending = new Map(
    [...inRadius].map((id) => [id, (graph.dependsOn[id] ?? []).filter((d) => inRadius.has(d)).length]),
  );
  const ready = [...inRadius].filter((id) => pending.get(id) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const d of dependents[id] ?? []) {
      const left = (pending.get(d) ?? 0) - 1;
      pending.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  return order;
}

export function rankByPropagation(
  graph: ResourceGraph,
  evidence: Evidence,
  model: PropagationModel,
): RankedCause[] {
  const dependents = dependentsOf(graph);
  const untouched = new Map(
    graph.nodes.map((n) => [n.id, Math.log(density(model.unaffected, evidence[n.id] ?? 0))]),
  );
  const everyoneUntouched = [...untouched.values()].reduce((s, v) => s + v, 0);
  return graph.nodes
    .map(({ id: root }) => {
      const reached = new Map<string, number>([[root, 1]]);
      let logLikelihood =
        everyoneUntouched - (untouched.get(root) ?? 0) + Math.log(density(model.root, evidence[root] ?? 0));
      for (const id of radiusInOrder(root, dependents, graph)) {
        const missed = (graph.dependsOn[id] ?? []).reduce(
          (q, d) => q * (1 - model.propagation * (reached.get(d) ?? 0)),
          1,
        );
        const chance = 1 - missed;
        reached.set(id, chance);
        const score = evidence[id] ?? 0;
        logLikelihood +=
          Math.log(chance * density(model.affected, score) + missed * density(model.unaffected, score)) -
          (untouched.get(id) ?? 0);
      }
      return { resource: root, score: logLikelihood };
    })
    .sort((a, b) => b.score - a.score || a.resource.localeCompare(b.resource));
}
