import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { TASK_QUEUES, type WorkerTuning } from '../domain/config';
import type { MedicActivities } from '../activities';
import { activityLog } from './activity-log';
import { freshPrebuiltBundle } from './prebuilt-bundle';

export interface MedicWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: MedicActivities;
  /** A pre-built bundle (tests build it once per suite); otherwise the workflows are bundled here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The payload codec (encryption) clients use too; none = plain payloads. */
  dataConverter?: WorkerOptions['dataConverter'];
  /** Cache and slot sizes; the SDK's defaults when absent (tests). */
  tuning?: WorkerTuning;
}

/**
 * One worker per agent task queue: the healing agent runs incidents, the monitoring agent runs
 * detection loops, the learning agent retrains models.
 */
export async function createMedicWorkers(options: MedicWorkerOptions): Promise<Worker[]> {
  // One bundle for every queue: bundling per worker cost five webpack runs at each start. The one
  // `make build` wrote is used when it is not older than the compiled code (decision 0038).
  const prebuilt = options.workflowBundle ? undefined : freshPrebuiltBundle();
  const workflows = {
    workflowBundle:
      options.workflowBundle ??
      (prebuilt
        ? { codePath: prebuilt }
        : await bundleWorkflowCode({
            workflowsPath: require.resolve('../workflows'),
            logger: Runtime.instance().logger,
          })),
  };
  const base = {
    connection: options.connection,
    namespace: options.namespace,
    activities: options.activities,
    dataConverter: options.dataConverter,
    interceptors: { activity: [activityLog] },
    ...workflows,
  };
  const tuning = options.tuning;
  // Incident work: the cache holds most waiting incidents (a wait costs memory, not replays) and
  // the slots bound what one process asks of the cloud API at once (docs/capacity.md).
  const incidentQueue = tuning
    ? {
        maxCachedWorkflows: tuning.cachedWorkflows,
        maxConcurrentActivityTaskExecutions: tuning.activitySlots,
        maxConcurrentWorkflowTaskExecutions: tuning.workflowTaskSlots,
      }
    : {};
  return Promise.all([
    Worker.create({ ...base, ...incidentQueue, taskQueue: TASK_QUEUES.healing }),
    Worker.create({ ...base, taskQueue: TASK_QUEUES.monitoring, maxConcurrentActivityTaskExecutions: 20 }),
    Worker.create({ ...base, ...incidentQueue, taskQueue: TASK_QUEUES.security }),
    Worker.create({ ...base, taskQueue: TASK_QUEUES.scaling }),
    Worker.create({ ...base, taskQueue: TASK_QUEUES.cost }),
    Worker.create({ ...base, taskQueue: TASK_QUEUES.delivery }),
    Worker.create({ ...base, taskQueue: TASK_QUEUES.coding, maxConcurrentActivityTaskExecutions: 2 }),
    // Training is CPU-bound: one at a time keeps it from starving the other agents on a small machine.
    Worker.create({ ...base, taskQueue: TASK_QUEUES.learning, maxConcurrentActivityTaskExecutions: 1 }),
  ]);
}

export async function runUntilShutdown(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}
