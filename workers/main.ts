import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities, createAwsClients } from '../activities';
import { workerMetrics } from '../activities/incident-metrics';
import { loadConfig } from '../domain/config';
import { createMedicWorkers, runUntilShutdown } from './create-workers';
import { dataConverterFromConfig } from '../codec';
import { createLogger, temporalLogger } from '../telemetry/logger';
import { serveMetrics } from '../telemetry/metrics-server';
import { connectTemporal } from './temporal-connection';

const logger = createLogger('worker');

async function run(): Promise<void> {
  const config = loadConfig(process.env);
  // Workflow, activity and SDK core lines all go through one JSON logger; the SDK's own worker
  // metrics (task latencies, slots, cache) are served by its Prometheus exporter.
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(config.workerTelemetryAddress
        ? {
            metrics: {
              // Names as Prometheus expects them (promtool-clean): counters end in _total, durations in _seconds.
              prometheus: {
                bindAddress: config.workerTelemetryAddress,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
  const metrics = workerMetrics();
  metrics.budget({
    concurrent: config.maxConcurrentRemediations,
    destructivePerHour: config.maxDestructivePerHour,
  });
  const metricsServer =
    config.workerMetricsPort > 0
      ? await serveMetrics(metrics.registry, config.workerMetricsPort, config.workerMetricsHost)
      : undefined;
  const connection = await connectTemporal(config, (options) => NativeConnection.connect(options));
  const clientConnection = await connectTemporal(config, (options) => Connection.connect(options));
  const dataConverter = dataConverterFromConfig(config);
  const temporal = new Client({
    connection: clientConnection,
    namespace: config.temporalNamespace,
    dataConverter,
  });
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  const workers = await createMedicWorkers({
    connection,
    namespace: config.temporalNamespace,
    activities: createActivities({ aws, temporal, config, metrics }),
    dataConverter,
    tuning: config.worker,
  });
  logger.info(
    {
      temporal: config.temporalAddress,
      aws: config.awsEndpoint ?? 'real AWS',
      metrics: metricsServer
        ? `http://${config.workerMetricsHost}:${config.workerMetricsPort}/metrics`
        : 'off',
      sdkMetrics: config.workerTelemetryAddress ? `http://${config.workerTelemetryAddress}/metrics` : 'off',
      eventSinks: config.eventSinks.map((s) => s.format),
    },
    'worker started',
  );
  await runUntilShutdown(workers);
  metricsServer?.close();
  await clientConnection.close();
  await connection.close();
}

run().catch((err: unknown) => {
  logger.fatal({ err }, 'worker stopped');
  process.exit(1);
});
