import { blastRadius, dependentsOf, KINDS, type ResourceGraph } from './graph';
import { rankByPropagation, type PropagationModel } from './propagation';
import { SHIPPED_PROPAGATION_MODEL } from './shipped-propagation';

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
  'soft_coverage',
  'unexplained_log',
  'radius_size_log',
  'silent_cover',
  'bias',
  ...KINDS.map((k) => `kind_${k}`),
] as const;

export type FeatureVector = number[];

/** The linear model over graph features (rootcause-graph-*); stored versions have no `type`. */
export interface LinearRootCauseModel {
  type?: 'linear';
  version: string;
  weights: number[];
  /** A score at or above this counts as anomalous in the graph features. */
  anomalous: number;
}

export type RootCauseModel = LinearRootCauseModel | PropagationModel;

/** What ranks when the registry has no promoted `rootcause` version (decision 0036). */
export const SHIPPED_ROOT_CAUSE_MODEL: RootCauseModel = SHIPPED_PROPAGATION_MODEL;

/** Weights learnt by `trainRootCauseModel` (seed 1, 3000 cascades, 15 epochs); `medic eval rootcause` re-learns and compares. */
export const LINEAR_ROOT_CAUSE_MODEL: LinearRootCauseModel = {
  version: 'rootcause-graph-2',
  weights: [
    5.075, -2.795, 0.298, 1.652, -1.133, 0.805, 0.508, -0.584, -8.14, -3.421, 3.259, 0, -0.112, 0.266, 0.335,
    -0.051, 0.027, -0.465,
  ],
  anomalous: 0.5,
};

export function graphFeatures(
  graph: ResourceGraph,
  evidence: Evidence,
  anomalous = 0.5,
): Map<string, FeatureVector> {
  const dependents = dependentsOf(graph);
  const alarming = graph.nodes.filter((n) => (evidence[n.id] ?? 0) >= anomalous).map((n) => n.id);
  const totalEvidence = graph.nodes.reduce((s, n) => s + (evidence[n.id] ?? 0), 0);
  // The share of everyone else's evidence (alarming or not) that lies in the node's blast radius.
  const softCoverage = (id: string, radius: Set<string>) => {
    const rest = totalEvidence - (evidence[id] ?? 0);
    const inside = [...radius].reduce((s, r) => s + (evidence[r] ?? 0), 0);
    return rest > 0 ? inside / rest : 0;
  };
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
      softCoverage(node.id, radius),
      Math.log1p(others.length - covered),
      Math.log1p(radius.size),
      // A quiet resource whose blast radius holds every other alarm: the unmonitored root.
      (1 - (evidence[node.id] ?? 0)) *
        (others.length === 0 ? 0 : covered / others.length) *
        Math.min(1, covered / 2),
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
  if (model.type === 'propagation') return rankByPropagation(graph, evidence, model);
  const features = graphFeatures(graph, evidence, model.anomalous);
  return [...features.entries()]
    .map(([resource, f]) => ({ resource, score: f.reduce((s, v, i) => s + v * (model.weights[i] ?? 0), 0) }))
    .sort((a, b) => b.score - a.score || a.resource.localeCompare(b.resource));
}
