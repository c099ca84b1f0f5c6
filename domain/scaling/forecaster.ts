/**
 * Additive Holt-Winters (level + trend + one season) fed one observation at a time, with an
 * exponentially weighted spread of its one-step errors so callers can ask for an upper bound.
 * Memory is O(season length); no look-ahead.
 */

export interface ForecasterParams {
  /** Observations per season (e.g. a day of 30-minute points = 48). */
  seasonLength: number;
  alpha: number;
  beta: number;
  gamma: number;
}

export const DEFAULT_SMOOTHING = { alpha: 0.3, beta: 0.002, gamma: 0.2 } as const;

/** A forecaster's whole state as plain data, so a workflow can carry it across continue-as-new. */
export interface HoltWintersSnapshot {
  params: ForecasterParams;
  level: number;
  trend: number;
  seasonal: number[];
  observed: number;
  errorScale: number;
  firstSeasons: number[];
}

export class HoltWinters {
  private level = 0;
  private trend = 0;
  private readonly seasonal: number[];
  private observed = 0;
  private errorScale = 0;
  private firstSeasons: number[] = [];

  constructor(private readonly params: ForecasterParams) {
    if (!Number.isInteger(params.seasonLength) || params.seasonLength < 2)
      throw new RangeError(`seasonLength must be an integer >= 2, got ${params.seasonLength}`);
    this.seasonal = new Array<number>(params.seasonLength).fill(0);
  }

  snapshot(): HoltWintersSnapshot {
    return {
      params: { ...this.params },
      level: this.level,
      trend: this.trend,
      seasonal: [...this.seasonal],
      observed: this.observed,
      errorScale: this.errorScale,
      firstSeasons: [...this.firstSeasons],
    };
  }

  static restore(snapshot: HoltWintersSnapshot): HoltWinters {
    const forecaster = new HoltWinters(snapshot.params);
    forecaster.level = snapshot.level;
    forecaster.trend = snapshot.trend;
    snapshot.seasonal.forEach((v, i) => (forecaster.seasonal[i] = v));
    forecaster.observed = snapshot.observed;
    forecaster.errorScale = snapshot.errorScale;
    forecaster.firstSeasons = [...snapshot.firstSeasons];
    return forecaster;
  }

  /** Two seasons seed the level, trend and seasonal profile. */
  get ready(): boolean {
    return this.observed >= 2 * this.params.seasonLength;
  }

  /** Adds the next observation (in time order). */
  observe(value: number): void {
    const m = this.params.seasonLength;
    const slot = this.observed % m;
    this.observed++;
    if (this.observed <= 2 * m) {
      this.firstSeasons.push(value);
      if (this.observed === 2 * m) this.seed();
      return;
    }
    const { alpha, beta, gamma } = this.params;
    const season = this.seasonal[slot] ?? 0;
    const predicted = this.level + this.trend + season;
    const error = value - predicted;
    this.errorScale =
      this.errorScale === 0 ? Math.abs(error) : 0.95 * this.errorScale + 0.05 * Math.abs(error);
    const previousLevel = this.level;
    this.level = alpha * (value - season) + (1 - alpha) * (this.level + this.trend);
    this.trend = beta * (this.level - previousLevel) + (1 - beta) * this.trend;
    this.seasonal[slot] = gamma * (value - this.level) + (1 - gamma) * season;
  }

  private seed(): void {
    const m = this.params.seasonLength;
    const mean = (from: number) => this.firstSeasons.slice(from, from + m).reduce((a, b) => a + b, 0) / m;
    const first = mean(0);
    this.trend = (mean(m) - first) / m;
    // Level at the last observation; the profile is what remains after removing level and trend.
    this.level = first + this.trend * (2 * m - 1 - (m - 1) / 2);
    for (let i = 0; i < m; i++) {
      const detrended = (k: number) => (this.firstSeasons[k] ?? 0) - (first + this.trend * (k - (m - 1) / 2));
      this.seasonal[i] = (detrended(i) + detrended(i + m)) / 2;
    }
    this.firstSeasons = [];
  }

  /** The expected value `steps` observations ahead (steps >= 1). */
  forecast(steps: number): number {
    if (!this.ready) return Number.NaN;
    const m = this.params.seasonLength;
    const slot = (this.observed + steps - 1) % m;
    return this.level + steps * this.trend + (this.seasonal[slot] ?? 0);
  }

  /** Mean absolute one-step error, exponentially weighted: the forecaster's own uncertainty. */
  get typicalError(): number {
    return this.errorScale;
  }
}

/** Observations per day for a series sampled every `stepSeconds` (at least 2). */
export function dailySeasonLength(stepSeconds: number): number {
  return Math.max(2, Math.round(86_400 / stepSeconds));
}
