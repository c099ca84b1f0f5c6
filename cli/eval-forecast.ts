import { DEFAULT_SMOOTHING } from '../domain/scaling/forecaster';
import type { DemandTrace } from '../domain/scaling/demand-traces';
import type { Smoothing } from '../domain/scaling/live-forecast';
import { forecastAccuracy, trainSmoothing } from '../domain/scaling/smoothing-training';

/**
 * `medic eval forecast`: what `demand-forecast` retraining does with a set of demand traces — the
 * smoothing it trains on their first two thirds, and each trace's one-step accuracy on its last third
 * with the shipped smoothing and with the trained one.
 */
export interface ForecastEvaluation {
  trained: Smoothing;
  shipped: Smoothing;
  traces: { trace: string; stepSeconds: number; shipped: number; trained: number }[];
  /** The registry's held-out figure: every trace's later third together. */
  total: { shipped: number; trained: number };
}

export function evaluateForecast(traces: (DemandTrace & { name: string })[]): ForecastEvaluation {
  const trained = trainSmoothing(traces, () => undefined, 'earlier');
  const shipped = { ...DEFAULT_SMOOTHING };
  return {
    trained,
    shipped,
    traces: traces.map((t) => ({
      trace: t.name,
      stepSeconds: t.stepSeconds,
      shipped: forecastAccuracy(shipped, [t], 'later'),
      trained: forecastAccuracy(trained, [t], 'later'),
    })),
    total: {
      shipped: forecastAccuracy(shipped, traces, 'later'),
      trained: forecastAccuracy(trained, traces, 'later'),
    },
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const describe = (s: Smoothing) => `α ${s.alpha}, β ${s.beta}, γ ${s.gamma}`;

export function formatForecast(e: ForecastEvaluation): string {
  const lines = [
    `${'trace'.padEnd(26)} ${'step'.padStart(6)} ${'shipped'.padStart(9)} ${'trained'.padStart(9)}`,
    ...e.traces.map(
      (t) =>
        `${t.trace.padEnd(26)} ${`${t.stepSeconds / 60}m`.padStart(6)} ${pct(t.shipped).padStart(9)} ${pct(t.trained).padStart(9)}`,
    ),
    `total (each trace's last third): shipped ${describe(e.shipped)} ${pct(e.total.shipped)}, trained on the first two thirds ${describe(e.trained)} ${pct(e.total.trained)}`,
    'one-step accuracy: one minus the mean relative error, each step at most wholly wrong',
  ];
  return lines.join('\n');
}
