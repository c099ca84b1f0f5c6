import { blastRadius, dependentsOf, KINDS, type ResourceGraph } from './graph';

/**
 * Ranks the likely root cause among alarming resources by propagating anomaly evidence over the
 * dependency graph: a root cause is anomalous itself, its blast radius covers the other anomalies,
 * and what it depends on looks healthy. A linear model over those graph features, trained on
 * simulated cascades (./training.ts), weighs them.
 */

/** Anomaly score per resource in [0, 1]; a resource without evidence counts as 0. */
export type Evidence = Record<string, number>;

export const FEATURES = [
  'own_score',
  'coverage',
  'radius_anomalous_share',
  'dependents_anomalous_share',
  'max_dependency_score',
  'covered_count_log',
  'own_times_coverage',
  'bias',
  ...KINDS.map((k) => `kind_${k}`),
] as const;

export type FeatureVector = number[];

export interface RootCauseModel {
  version: string;
  weights: number[];
  /** A score at or above this counts as anomalous in the graph features. */
  anomalous: number;
}

/** Weights learnt by `trainRootCauseModel` (seed 1, 3000 cascades); `medic eval rootcause` re-learns and compares. */
export const SHIPPED_ROOT_CAUSE_MODEL: RootCauseModel = {
  version: 'rootcause-graph-1',
  weights: [5.724, 2.954, 0.641, 1.193, -0.542, 3.84, 0.681, 0, 3.116, 0.333, -0.055, -0.934, -1.011, -1.449],
  anomalous: 0.5,
};

export function graphFeatures(
  graph: ResourceGraph,
  evidence: Evidence,
  anomalous = 0.5,
): Map<string, FeatureVector> {
  const dependents = dependentsOf(graph);
  const alarming = graph.nodes.filter((n) => (evidence[n.id] ?? 0) >= anomalous).map((n) => n.id);
  const features = new Map<string, FeatureVector>();
  for (const node of graph.nodes) {
    const radius = blastRadius(node.id, dependents);
    const others = alarming.filter((id) => id !== node.id);
    const covered = others.filter((id) => radius.has(id)).length;
    const radiusAnomalous = [...radius].filter((id) => (evidence[id] ?? 0) >= anomalous).length;
    const direct = dependents[node.id] ?? [];
    const directAnomalous = direct.filter((id) => (evidence[id] ?? 0) >= anomalous).length;
    const maxDependency = Math.max(0, ...(graph.dependsOn[node.id] ?? []).map((id) => evidence[id] ?? 0));
    features.set(node.id, [
      evidence[node.id] ?? 0,
      others.length === 0 ? 1 : covered / others.length,
      radius.size === 0 ? 0 : radiusAnomalous / radius.size,
      direct.length === 0 ? 0 : directAnomalous / direct.length,
      maxDependency,
      Math.log1p(covered),
      (evidence[node.id] ?? 0) * (others.length === 0 ? 1 : covered / others.length),
      1,
      ...KINDS.map((k) => (node.kind === k ? 1 : 0)),
    ]);
  }
  return features;
}

export interface RankedCause {
  resource: string;
  score: number;
}

export function rankRootCauses(
  graph: ResourceGraph,
  evidence: Evidence,
  model: RootCauseModel = SHIPPED_ROOT_CAUSE_MODEL,
): RankedCause[] {
  const features = graphFeatures(graph, evidence, model.anomalous);
  return [...features.entries()]
    .map(([resource, f]) => ({ resource, score: f.reduce((s, v, i) => s + v * (model.weights[i] ?? 0), 0) }))
    .sort((a, b) => b.score - a.score || a.resource.localeCompare(b.resource));
}
