import { ParentClosePolicy, patched, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import { TASK_QUEUES } from '../domain/config';
import { earlyRetrainingPrefix } from '../domain/ids';
import { belowFloor, describeSamples, type ModelQuality } from '../domain/models/monitoring';
import { isModelName } from '../domain/models/trainers';
import { retrainModelWorkflow } from './retrain';

const monitor = proxyActivities<MedicActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3 },
});

export interface ModelMonitorInput {
  /** Quality below which a model is retrained now, per model (`MEDIC_MODEL_FLOORS`). */
  floors: Record<string, number>;
  /** Fewer closed incidents than this say nothing yet. */
  minSamples?: number;
  windowHours?: number;
}

export interface ModelMonitorResult {
  quality: ModelQuality[];
  /** Retraining runs started early because a model fell below its floor. */
  retraining: { model: string; workflowId: string; value: number; floor: number }[];
  /** Models below their floor that have no trainer, or whose training data is not set up (told, not retrained). */
  notes: string[];
}

/**
 * Model monitoring (run on a Temporal Schedule): measure each active model's live quality from
 * incident outcomes and feedback, and start its retraining at once when it falls below its floor,
 * instead of waiting for the next scheduled run. The retraining still promotes only a better model.
 */
export async function modelMonitorWorkflow(input: ModelMonitorInput): Promise<ModelMonitorResult> {
  const windowHours = input.windowHours ?? 24;
  const quality = await monitor.measureLiveModelQuality({ windowHours });
  const retraining: ModelMonitorResult['retraining'] = [];
  const notes: string[] = [];
  for (const low of belowFloor(quality, input.floors, input.minSamples ?? 10)) {
    if (!isModelName(low.model)) {
      notes.push(
        `${low.model} ${low.measure} ${(low.value ?? 0).toFixed(2)} is below ${low.floor} over ${describeSamples(low)}; it has no trainer, so a person must look.`,
      );
      continue;
    }
    // The figure counts the window's incidents, those that triggered an early retraining too: until
    // they age out of it the same low figure would start the same retraining every run.
    if (patched('one-early-retraining-per-window')) {
      const recent = await monitor.lastEarlyRetraining({ model: low.model, windowHours });
      if (recent) {
        notes.push(
          `${low.model} ${low.measure} ${(low.value ?? 0).toFixed(2)} is below ${low.floor} over ${describeSamples(low)}; retrained early at ${recent.startedAt} (${recent.workflowId}), and the figure still counts the incidents before it: not again before ${recent.until}`,
        );
        continue;
      }
    }
    // Asked first so that a worker without the detector's labelled traces writes a note each time,
    // rather than starting a retraining run that fails at once.
    if (patched('monitor-asks-before-retraining')) {
      const blocker = await monitor.retrainingBlocker({ model: low.model });
      if (blocker) {
        notes.push(
          `${low.model} ${low.measure} ${(low.value ?? 0).toFixed(2)} is below ${low.floor} over ${describeSamples(low)}; not retrained: ${blocker}`,
        );
        continue;
      }
    }
    const workflowId = `${earlyRetrainingPrefix(low.model)}${workflowInfo().runId.slice(0, 8)}`;
    await startChild(retrainModelWorkflow, {
      workflowId,
      taskQueue: TASK_QUEUES.learning,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ model: low.model }],
    });
    retraining.push({ model: low.model, workflowId, value: low.value ?? 0, floor: low.floor });
  }
  return { quality, retraining, notes };
}
