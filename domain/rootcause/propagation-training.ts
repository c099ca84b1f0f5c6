import { seededRandom } from '../random';
import { DEFAULT_CASCADE_NOISE, simulateCascade, type CascadeNoise } from './cascade-simulator';
import { BINS, binOf, type PropagationModel } from './propagation';

/**
 * Learns the propagation model by counting on simulated cascades: how often a fault passed to a
 * dependent that had exactly one affected dependency (so the edge alone decided), and the anomaly
 * scores shown by roots, reached resources and untouched ones (add-one smoothed histograms, so a
 * score never seen in training is unlikely, not impossible).
 */
export function trainPropagationModel(
  seed: number,
  cascades: number,
  noise: CascadeNoise = DEFAULT_CASCADE_NOISE,
): PropagationModel {
  const random = seededRandom(seed);
  const counts = {
    root: new Array<number>(BINS).fill(0),
    affected: new Array<number>(BINS).fill(0),
    unaffected: new Array<number>(BINS).fill(0),
  };
  let trials = 0;
  let passed = 0;
  for (let i = 0; i < cascades; i++) {
    const cascade = simulateCascade(random, noise);
    const affected = new Set(cascade.affected);
    for (const { id } of cascade.graph.nodes) {
      const role = id === cascade.root ? 'root' : affected.has(id) ? 'affected' : 'unaffected';
      const bin = binOf(cascade.evidence[id] ?? 0);
      counts[role][bin] = (counts[role][bin] ?? 0) + 1;
      if (id === cascade.root) continue;
      const affectedDependencies = (cascade.graph.dependsOn[id] ?? []).filter((d) => affected.has(d));
      if (affectedDependencies.length !== 1) continue;
      trials++;
      if (affected.has(id)) passed++;
    }
  }
  const densities = (histogram: number[]) => {
    const total = histogram.reduce((s, c) => s + c, 0);
    return histogram.map((c) => Number((((c + 1) / (total + BINS)) * BINS).toFixed(4)));
  };
  return {
    type: 'propagation',
    version: `rootcause-propagation-trained-seed${seed}`,
    propagation: Number(((passed + 1) / (trials + 2)).toFixed(4)),
    root: densities(counts.root),
    affected: densities(counts.affected),
    unaffected: densities(counts.unaffected),
  };
}
