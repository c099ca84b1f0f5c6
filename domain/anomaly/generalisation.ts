import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from './detector';
import type { TrainingSeries } from './labelled-series';
import { normalisedScore, STANDARD_PROFILE, type CostProfile, type SeriesScore } from './nab-score';
import { scoreFiles, tuneDetector } from './tuning';

/**
 * How the detector's setting would fare on a kind of trace it was not chosen on: each corpus in turn
 * is set aside, the knobs are tuned on the others as retraining tunes them, and the setting found is
 * judged on the corpus set aside. The detector is judged on real cloud traces outside the dev folder;
 * a corpus tuned without is the nearest stand-in the folder has for such a trace.
 */

export interface CorpusSetAside {
  corpus: string;
  files: number;
  /** The setting tuned on every other corpus. */
  tuned: Pick<DetectorParams, 'zFloor' | 'ratio'>;
  /** That setting's score on this corpus. */
  heldOut: number;
  /** The shipped setting's score on this corpus. */
  shipped: number;
  /** The grid's best on this corpus alone: what tuning to this kind of trace could reach. */
  ownBest: Pick<DetectorParams, 'zFloor' | 'ratio'> & { score: number };
}

export interface CorpusGeneralisation {
  corpora: CorpusSetAside[];
  /** Every set-aside file scored with the setting tuned without its corpus, as one folder. */
  pooled: number;
  /** The shipped setting on the same files. */
  shippedPooled: number;
  /** Each corpus with its own best setting, as one folder: what tuning to each kind of trace reaches. */
  ownBestPooled: number;
}

/** A NAB-style name's corpus: the folder before the first slash. */
export const corpusOfName = (name: string): string => name.split('/')[0] ?? name;

/**
 * Leave-one-corpus-out. A corpus without anomaly windows cannot be scored on its own (NAB normalises
 * against its windows), so it is never set aside but stays in every tuning set, where its false
 * alarms still count. Undefined with fewer than two corpora that have windows.
 */
export function leaveOneCorpusOut(
  series: readonly TrainingSeries[],
  corpusOf: (name: string) => string = corpusOfName,
  profile: CostProfile = STANDARD_PROFILE,
  shipped: DetectorParams = DEFAULT_DETECTOR_PARAMS,
): CorpusGeneralisation | undefined {
  const byCorpus = new Map<string, TrainingSeries[]>();
  for (const s of series) byCorpus.set(corpusOf(s.name), [...(byCorpus.get(corpusOf(s.name)) ?? []), s]);
  const scorable = [...byCorpus.entries()].filter(([, files]) => files.some((s) => s.windows.length > 0));
  if (scorable.length < 2) return undefined;
  const heldOutScores: SeriesScore[] = [];
  const shippedScores: SeriesScore[] = [];
  const ownBestScores: SeriesScore[] = [];
  const corpora = scorable.map(([corpus, files]): CorpusSetAside => {
    const others = series.filter((s) => corpusOf(s.name) !== corpus);
    const { params } = tuneDetector(others, profile);
    const judged = scoreFiles(params, files, profile);
    const asShipped = scoreFiles(shipped, files, profile);
    heldOutScores.push(...judged);
    shippedScores.push(...asShipped);
    const own = tuneDetector(files, profile);
    ownBestScores.push(...scoreFiles(own.params, files, profile));
    return {
      corpus,
      files: files.length,
      tuned: { zFloor: params.zFloor, ratio: params.ratio },
      heldOut: normalisedScore(judged, profile),
      shipped: normalisedScore(asShipped, profile),
      ownBest: { zFloor: own.params.zFloor, ratio: own.params.ratio, score: own.score },
    };
  });
  return {
    corpora,
    pooled: normalisedScore(heldOutScores, profile),
    shippedPooled: normalisedScore(shippedScores, profile),
    ownBestPooled: normalisedScore(ownBestScores, profile),
  };
}
