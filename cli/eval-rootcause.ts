import {
  DEFAULT_CASCADE_NOISE,
  type Cascade,
  type CascadeNoise,
} from '../domain/rootcause/cascade-simulator';
import { LINEAR_ROOT_CAUSE_MODEL, SHIPPED_ROOT_CAUSE_MODEL } from '../domain/rootcause/ranking';
import { trainPropagationModel } from '../domain/rootcause/propagation-training';
import {
  byModel,
  byOwnScore,
  rootCauseAccuracy,
  trainRootCauseModel,
  type RootCauseAccuracy,
} from '../domain/rootcause/training';

/** Noise levels the ranking is judged at: how often the root is silent and unrelated resources alarm. */
export const NOISE_PROFILES: Record<string, CascadeNoise> = {
  calm: { ...DEFAULT_CASCADE_NOISE, silentRoot: 0.05 },
  default: DEFAULT_CASCADE_NOISE,
  noisy: { ...DEFAULT_CASCADE_NOISE, spuriousAlarm: 0.03 },
};

export interface RootCauseEvaluation {
  seed: number;
  trainingCascades: number;
  profiles: { profile: string; noise: CascadeNoise; rows: RootCauseAccuracy[] }[];
}

export function evaluateRootCause(
  seed: number,
  trainingCascades: number,
  cascades: number,
): RootCauseEvaluation {
  const evalSeed = seed + 1_000_003;
  return {
    seed,
    trainingCascades,
    profiles: Object.entries(NOISE_PROFILES).map(([profile, noise]) => {
      const row = (name: string, rank: (c: Cascade) => string[]) =>
        rootCauseAccuracy(name, rank, evalSeed, cascades, noise);
      return {
        profile,
        noise,
        rows: [
          row('strongest anomaly', byOwnScore),
          row(`linear ${LINEAR_ROOT_CAUSE_MODEL.version}`, byModel(LINEAR_ROOT_CAUSE_MODEL)),
          row(
            `linear trained on ${trainingCascades} here`,
            byModel(trainRootCauseModel(seed, trainingCascades, noise)),
          ),
          row(`shipped ${SHIPPED_ROOT_CAUSE_MODEL.version}`, byModel(SHIPPED_ROOT_CAUSE_MODEL)),
          row(
            `propagation trained on ${trainingCascades} here`,
            byModel(trainPropagationModel(seed, trainingCascades, noise)),
          ),
        ],
      };
    }),
  };
}

export function formatRootCause(e: RootCauseEvaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `${'noise'.padEnd(36)} ${'ranking'.padEnd(36)} ${'top-1'.padStart(8)} ${'top-3'.padStart(8)}`,
  ];
  for (const p of e.profiles) {
    const label = `${p.profile} (silent ${p.noise.silentRoot}, spurious ${p.noise.spuriousAlarm})`;
    p.rows.forEach((r, i) =>
      lines.push(
        `${(i === 0 ? label : '').padEnd(36)} ${r.name.padEnd(36)} ${pct(r.top1).padStart(8)} ${pct(r.top3).padStart(8)}`,
      ),
    );
  }
  lines.push(`held-out cascades per profile: ${e.profiles[0]?.rows[0]?.cascades ?? 0}; seed ${e.seed}`);
  return lines.join('\n');
}
