import type { DetectionVerdict } from './anomaly/weekly-routine';
import type { MonitoredMetric } from './monitor-view';

/**
 * "Was this alarm expected at this hour?" (decision 0051): a person's word on a detection, one per
 * incident run. The fleet monitor learns it at once; the feedback store keeps it in the model bucket
 * so model monitoring counts it (decision 0052) and the incident shows it after its workflow has
 * ended. Here, not beside the store, so the console and the CLI read the same shape.
 */
export interface DetectionVerdictRecord {
  incidentId: string;
  runId: string;
  verdict: DetectionVerdict;
  fleet: string;
  instanceId: string;
  metric: MonitoredMetric;
  /** When the incident opened: the detection the answer is about. */
  openedAt: string;
  /** The hour of the week (UTC) it is about: "Fri 18:00". */
  hourOfWeek: string;
  by: string;
  at: string;
}

/** What a reader is shown of the kept answer: who said what about which hour, and when. */
export type DetectionAnswer = Pick<DetectionVerdictRecord, 'verdict' | 'by' | 'at' | 'hourOfWeek'>;
