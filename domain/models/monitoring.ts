import type { DetectionVerdict } from '../anomaly/weekly-routine';
import { kindOfMetric, MONITORED_METRICS } from '../monitor-view';
import type { Diagnosis, IncidentStatus, StepRecord } from '../incident';

/** One closed incident as model monitoring reads it. */
export interface ClosedIncident {
  id: string;
  kind: string;
  /** Where it came from: `detector:<fleet>` for the detection loop, else the API, an alert, chat. */
  source: string;
  /** The streaming detector's version, when it judged the alarm (the report's `models.detector`). */
  detectorVersion?: string;
  status: IncidentStatus;
  steps: (Pick<StepRecord, 'action' | 'outcome'> & { startedAt?: string; finishedAt?: string })[];
  diagnosis?: Diagnosis;
  /** "Was your issue resolved?", when someone answered. */
  feedback?: { resolved: boolean; rating: number };
  /** "Was this alarm expected at this hour?", when someone answered (decision 0051). */
  detectionVerdict?: DetectionVerdict;
}

export interface ModelQuality {
  model: string;
  measure: string;
  /** 0..1; undefined without samples. */
  value?: number;
  samples: number;
  /** What a sample is: a closed incident, or one completed step of a live demand forecast. */
  sampleUnit?: 'forecast steps';
}

/** "12 incidents", "300 forecast steps": what a figure was measured over. */
export const describeSamples = (q: Pick<ModelQuality, 'samples' | 'sampleUnit'>) =>
  `${q.samples} ${q.sampleUnit ?? 'incidents'}`;

/** A running scaling agent's live forecast, as its state query reports it. */
export interface LiveForecast {
  /** Exponentially weighted one-step relative error; undefined before a step was measured. */
  mape?: number;
  measuredSteps: number;
}

/**
 * The demand forecaster's live accuracy: one minus the scaling agents' one-step error, weighted by the
 * steps each measured, each agent's error capped at 1 as the registry's `forecastAccuracy` caps a step's.
 */
export function forecastQuality(agents: LiveForecast[]): ModelQuality {
  const measured = agents.filter((a) => a.mape !== undefined && a.measuredSteps > 0);
  const steps = measured.reduce((n, a) => n + a.measuredSteps, 0);
  const error = measured.reduce((sum, a) => sum + Math.min(1, a.mape ?? 0) * a.measuredSteps, 0);
  return {
    model: 'demand-forecast',
    measure: 'forecast_accuracy',
    ...(steps > 0 ? { value: 1 - error / steps } : {}),
    samples: steps,
    sampleUnit: 'forecast steps',
  };
}

/** What the streaming detector opens; the loop's other findings are fixed rules and trend forecasts. */
const DETECTOR_KINDS: readonly string[] = MONITORED_METRICS.map(kindOfMetric);

/**
 * Whether the streaming detector judged this incident's alarm, so its outcome says something about
 * the detector: not a stopped instance or failing status checks the loop saw by rule, not the CPU
 * backstop (no detector version), not a forecast. Retraining the detector cannot change those.
 */
export const judgedByDetector = (i: ClosedIncident): boolean =>
  i.source.startsWith('detector:') && i.detectorVersion !== undefined && DETECTOR_KINDS.includes(i.kind);

const negative = (f: ClosedIncident['feedback']) => f !== undefined && (!f.resolved || f.rating <= 2);

/**
 * Live quality of the models that shape incidents, from how incidents actually ended:
 * - `detector` precision: of the incidents the streaming detector opened (`judgedByDetector`), the share that were real. A
 *   person's answer to "was this alarm expected?" decides (decision 0052); without one, a step taken
 *   and verified or a person's approval counts for it, and nothing to fix on diagnosis, a decline or
 *   feedback saying it was not a problem count against it. An incident escalated or failed without
 *   an answer is not counted either way: it handed the call to a person (a surge with no capacity to
 *   add) or could not act, which says nothing about whether the alarm was right.
 * - `remediation-policy` first-action success: of the incidents that acted, the share whose first
 *   action was verified and whose feedback (if any) is not negative.
 */
export function measureModelQuality(incidents: ClosedIncident[]): ModelQuality[] {
  const undecided = (i: ClosedIncident) =>
    (i.status === 'escalated' || i.status === 'failed') && !i.detectionVerdict && !i.feedback;
  const detected = incidents.filter((i) => judgedByDetector(i) && i.status !== 'dry_run' && !undecided(i));
  const real = detected.filter((i) =>
    i.detectionVerdict
      ? i.detectionVerdict === 'fault'
      : !negative(i.feedback) &&
        i.status !== 'declined' &&
        (i.steps.some((s) => s.outcome === 'succeeded') || i.status === 'manual'),
  );
  const acted = incidents.filter((i) => i.steps.some((s) => s.outcome !== 'dry-run'));
  const firstWorked = acted.filter((i) => i.steps[0]?.outcome === 'succeeded' && !negative(i.feedback));
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : undefined);
  return [
    {
      model: 'detector',
      measure: 'precision',
      value: share(real.length, detected.length),
      samples: detected.length,
    },
    {
      model: 'remediation-policy',
      measure: 'first_action_success',
      value: share(firstWorked.length, acted.length),
      samples: acted.length,
    },
  ];
}

/** `remediation-policy=0.8,detector=0.6` → floors per model. */
export function parseQualityFloors(spec: string): Record<string, number> {
  const floors: Record<string, number> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [model, raw] = part.split('=');
    const value = Number(raw);
    if (!model || !/^[a-z][a-z-]*$/.test(model) || !(value > 0 && value <= 1))
      throw new Error(`"${part}" must look like remediation-policy=0.8 (a model and a share in (0, 1])`);
    floors[model] = value;
  }
  return floors;
}

/** Models whose live quality, over enough samples, is below their floor: the ones to retrain now. */
export function belowFloor(
  quality: ModelQuality[],
  floors: Record<string, number>,
  minSamples: number,
): (ModelQuality & { floor: number })[] {
  return quality
    .filter((q) => q.value !== undefined && q.samples >= minSamples && floors[q.model] !== undefined)
    .filter((q) => (q.value ?? 1) < (floors[q.model] ?? 0))
    .map((q) => ({ ...q, floor: floors[q.model] ?? 0 }));
}
