import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createProbeActivities } from './activities';

/**
 * A probe worker process for `make bench`: `node worker.js QUEUE`. PROBE_CALL_MS makes each activity
 * wait like a cloud API call; PROBE_ACTIVITY_SLOTS bounds concurrent activities, as a production
 * worker's settings do.
 */
async function run(): Promise<void> {
  const taskQueue = process.argv[2];
  if (!taskQueue) throw new Error('usage: worker.js TASK_QUEUE');
  // The bench prints tables; the worker's state changes would bury them.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({
    address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createProbeActivities(Number(process.env.PROBE_CALL_MS ?? 0)),
    maxConcurrentActivityTaskExecutions: Number(process.env.PROBE_ACTIVITY_SLOTS ?? 100),
  });
  process.on('SIGTERM', () => worker.shutdown());
  console.log('probe worker ready');
  await worker.run();
  await connection.close();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
