import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  monitoredDetector,
  MonitorUnresponsiveError,
  noDetectorReason,
  runningMonitors,
  type MonitoredDetector,
  type MonitoredMetric,
  type RunningMonitor,
} from '../activities/monitor-reader';
import { ApiError } from './errors';

export type { MonitoredDetector, RunningMonitor };

const capitalised = (sentence: string) => sentence.charAt(0).toUpperCase() + sentence.slice(1);

/** What the monitor routes read: the running fleet monitors and one detector of one of them. */
export interface MonitorReader {
  list(): Promise<RunningMonitor[]>;
  detector(fleet: string, instanceId: string, metric: MonitoredMetric): Promise<MonitoredDetector>;
}

/**
 * Reads the fleet monitors' workflows on Temporal; a missing monitor or detector is a 404 with a
 * sentence, a monitor that does not answer a 503.
 */
export function temporalMonitorReader(client: Client): MonitorReader {
  return {
    list: () => runningMonitors(client),
    detector: async (fleet, instanceId, metric) => {
      const found = await monitoredDetector(client, fleet, instanceId, metric).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError)
          throw new ApiError(
            'not_found',
            `No monitor for fleet ${fleet} (medic monitor start --fleet ${fleet})`,
          );
        if (err instanceof MonitorUnresponsiveError)
          throw new ApiError('unavailable', capitalised(err.message));
        throw err;
      });
      if (!found) throw new ApiError('not_found', capitalised(noDetectorReason(fleet, instanceId, metric)));
      return found;
    },
  };
}
