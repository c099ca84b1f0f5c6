import type { MetricPoint } from './detection';
import type { Severity } from './incident';
import { median } from './statistics';

export interface FailureForecast {
  /** The trend line's value at the newest datapoint. */
  current: number;
  /** Growth of the metric, in its unit per hour. */
  slopePerHour: number;
  /** Minutes from the newest datapoint until the trend reaches the failure level. */
  minutesToFailure: number;
  failureAt: string;
  /** How much of the series' spread the trend explains (robust R², 0..1): low means noise, not a trend. */
  fit: number;
}

/**
 * When a creeping metric (disk or memory used, error rate) reaches `failureLevel`, from its
 * Theil–Sen trend: the median of pairwise slopes, so one spike or a brief clean-up does not move
 * it. Undefined when there are too few points, the metric is not rising, the trend explains too
 * little of the series (`minFit`), or it has already failed.
 */
export function forecastTimeToFailure(
  points: MetricPoint[],
  failureLevel: number,
  options: { minPoints?: number; minFit?: number; minRiseOverNoise?: number } = {},
): FailureForecast | undefined {
  const series = [...points]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((p) => ({ t: Date.parse(p.at) / 60_000, y: p.value }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.y));
  if (series.length < (options.minPoints ?? 6)) return undefined;
  const slopes: number[] = [];
  for (let i = 0; i < series.length; i++)
    for (let j = i + 1; j < series.length; j++) {
      const a = series[i];
      const b = series[j];
      if (b.t > a.t) slopes.push((b.y - a.y) / (b.t - a.t));
    }
  if (slopes.length === 0) return undefined;
  const slope = median(slopes);
  if (!(slope > 0)) return undefined;
  const intercept = median(series.map((p) => p.y - slope * p.t));
  // A robust R²: median absolute residual against the series' median absolute deviation, so the
  // spike the trend ignores does not also make the trend look like noise.
  const centre = median(series.map((p) => p.y));
  const spread = median(series.map((p) => Math.abs(p.y - centre)));
  const residual = median(series.map((p) => Math.abs(p.y - (intercept + slope * p.t))));
  const fit = spread > 0 ? Math.max(0, 1 - (residual / spread) ** 2) : 0;
  if (fit < (options.minFit ?? 0.6)) return undefined;
  // The rise across the window must stand well clear of the noise around the line: a short window
  // of a noisy, nearly flat series otherwise shows a steep slope now and then.
  const last = series[series.length - 1];
  const rise = slope * (last.t - series[0].t);
  if (rise < (options.minRiseOverNoise ?? 4) * 1.4826 * residual) return undefined;
  const current = intercept + slope * last.t;
  if (current >= failureLevel || last.y >= failureLevel) return undefined;
  const minutesToFailure = (failureLevel - current) / slope;
  return {
    current,
    slopePerHour: slope * 60,
    minutesToFailure,
    failureAt: new Date((last.t + minutesToFailure) * 60_000).toISOString(),
    fit,
  };
}

/** Sooner failures are more urgent: under an hour critical, under six high, else medium. */
export function proactiveSeverity(minutesToFailure: number): Severity {
  return minutesToFailure < 60 ? 'critical' : minutesToFailure < 360 ? 'high' : 'medium';
}

/** "2 h 15 min", "40 min", "3 d 4 h": a time to failure as people read it. */
export function describeMinutes(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(m / 1440)} d${Math.floor((m % 1440) / 60) ? ` ${Math.floor((m % 1440) / 60)} h` : ''}`;
}
