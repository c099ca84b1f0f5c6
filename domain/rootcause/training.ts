import { seededRandom } from '../random';
import { DEFAULT_CASCADE_NOISE, simulateCascade, type Cascade, type CascadeNoise } from './cascade-simulator';
import {
  FEATURES,
  graphFeatures,
  rankRootCauses,
  type LinearRootCauseModel,
  type RootCauseModel,
} from './ranking';

/**
 * Learns the ranking weights from simulated cascades: a softmax over each cascade's resources,
 * trained by stochastic gradient descent to put the true root first (listwise cross-entropy).
 */
export function trainRootCauseModel(
  seed: number,
  cascades: number,
  noise: CascadeNoise = DEFAULT_CASCADE_NOISE,
  epochs = 15,
  learningRate = 0.05,
): LinearRootCauseModel {
  const random = seededRandom(seed);
  const data = Array.from({ length: cascades }, () => simulateCascade(random, noise));
  const weights = new Array<number>(FEATURES.length).fill(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const cascade of data) {
      const features = [...graphFeatures(cascade.graph, cascade.evidence).entries()];
      const logits = features.map(([, f]) => f.reduce((s, v, i) => s + v * (weights[i] ?? 0), 0));
      const max = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - max));
      const total = exp.reduce((a, b) => a + b, 0);
      for (const [k, [id, f]] of features.entries()) {
        const gradient = (exp[k] ?? 0) / total - (id === cascade.root ? 1 : 0);
        for (let i = 0; i < f.length; i++)
          weights[i] = (weights[i] ?? 0) - learningRate * gradient * (f[i] ?? 0);
      }
    }
  }
  return {
    version: `rootcause-graph-trained-seed${seed}`,
    weights: weights.map((w) => Number(w.toFixed(3))),
    anomalous: 0.5,
  };
}

export interface RootCauseAccuracy {
  name: string;
  cascades: number;
  top1: number;
  top3: number;
}

export function rootCauseAccuracy(
  name: string,
  rank: (c: Cascade) => string[],
  seed: number,
  cascades: number,
  noise: CascadeNoise = DEFAULT_CASCADE_NOISE,
): RootCauseAccuracy {
  const random = seededRandom(seed);
  let top1 = 0;
  let top3 = 0;
  for (let i = 0; i < cascades; i++) {
    const cascade = simulateCascade(random, noise);
    const ranked = rank(cascade);
    if (ranked[0] === cascade.root) top1++;
    if (ranked.slice(0, 3).includes(cascade.root)) top3++;
  }
  return { name, cascades, top1: top1 / cascades, top3: top3 / cascades };
}

export const byModel = (model: RootCauseModel) => (c: Cascade) =>
  rankRootCauses(c.graph, c.evidence, model).map((r) => r.resource);

/** The naive answer: the resource with the strongest anomaly. */
export const byOwnScore = (c: Cascade) =>
  Object.entries(c.evidence)
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => id);
