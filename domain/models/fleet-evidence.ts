import { experienceFrom } from '../policy/experience';
import { measureModelQuality, type ClosedIncident } from './monitoring';
import type { FleetEvidence, ModelName } from './trainers';

/** Fewer detector incidents than this say nothing about its precision. */
export const MIN_PRECISION_SAMPLES = 10;

/** Which models learn from the fleet's closed incidents (the others train on simulations alone). */
export const LEARNS_FROM_FLEET: readonly ModelName[] = ['remediation-policy', 'detector'];

/** What closed incidents tell one model's retraining. */
export function fleetEvidenceFor(model: ModelName, closed: ClosedIncident[]): FleetEvidence {
  if (model === 'remediation-policy') return { experience: closed.flatMap(experienceFrom) };
  if (model === 'detector') {
    const precision = measureModelQuality(closed).find((q) => q.model === 'detector');
    return precision?.value !== undefined && precision.samples >= MIN_PRECISION_SAMPLES
      ? { detectorPrecision: precision.value }
      : {};
  }
  return {};
}
