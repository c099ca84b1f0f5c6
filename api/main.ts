import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { Client, Connection } from '@temporalio/client';
import { createAwsClients } from '../activities/aws-clients';
import { fleetSizeReader } from '../activities/fleet';
import { loadConfig } from '../domain/config';
import { dataConverterFromConfig } from '../codec';
import { join } from 'node:path';
import { createApp } from './app';
import { AuditLog } from './audit-log';
import { TokenStore } from './token-store';
import { loadOrCreateAdminToken } from './auth';
import { IncidentService } from './incident-service';
import { cachedCertificates, confirmByVisiting } from './sns';
import { createFeedbackStore, ratingsByAgent } from '../activities/feedback-store';
import { dashboardStats } from './stats';
import { evidenceReader } from './evidence';
import { temporalMonitors } from './monitors';
import { temporalChatActions } from './chat-actions';
import { llmRephraser } from './llm-rephraser';
import { createModelStore, modelOverview } from '../activities/model-store';
import { createTaskStore } from '../activities/task-store';
import { TaskService } from './task-service';
import { createLogger } from '../telemetry/logger';
import { registerOpenIncidentGauges } from './metrics';
import { SEVERITIES } from '../domain/incident';
import { connectTemporal } from '../workers/temporal-connection';
import { alarmScopeSettings } from './alarm-scope';
import { maintenanceGate } from './maintenance';
import { cachedMaintenanceStore, createMaintenanceStore } from '../activities/maintenance-store';
import { instanceFleetReader } from '../activities/fleet';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

const logger = createLogger('api');

async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const connection = await connectTemporal(config, (options) => Connection.connect(options));
  const dataConverter = dataConverterFromConfig(config);
  const temporal = new Client({ connection, namespace: config.temporalNamespace, dataConverter });
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  let bucketReady: Promise<void> | undefined;
  // Once per process; a failure is retried on the next use.
  const ensureModelBucket = () => {
    bucketReady ??= createModelStore(aws.s3, config.modelBucket)
      .ensureBucket()
      .catch((err: unknown) => {
        bucketReady = undefined;
        throw err;
      });
    return bucketReady;
  };
  const maintenance = cachedMaintenanceStore(
    createMaintenanceStore(aws.s3, config.modelBucket, ensureModelBucket),
  );
  const incidents = new IncidentService(
    temporal,
    config.temporalUiUrl,
    logger,
    maintenanceGate(maintenance, instanceFleetReader(aws.ec2)),
  );
  const monitors = temporalMonitors(temporal, fleetSizeReader(aws.ec2));
  registerOpenIncidentGauges((status, severity) => incidents.countOpen(status, severity), SEVERITIES);
  const feedback = createFeedbackStore(aws.s3, config.modelBucket, ensureModelBucket);
  const app = createApp({
    logger,
    stats: dashboardStats({
      temporal,
      incidents,
      ratings: async () => ratingsByAgent(await feedback.list()),
      limits: {
        maxConcurrent: config.maxConcurrentRemediations,
        maxDestructivePerHour: config.maxDestructivePerHour,
      },
    }),
    // Any failure (not a detector's incident, no monitor, no answer) only leaves the chart's band out.
    evidence: evidenceReader(
      aws.cloudwatch,
      config.metricPeriodSeconds,
      async (incident) => (await monitors.incidentDetector(incident)).profile,
    ),
    monitors,
    models: modelOverview(createModelStore(aws.s3, config.modelBucket)),
    chatActions: temporalChatActions(temporal, aws.ec2, aws.autoscaling),
    ...(config.llm ? { rephrase: llmRephraser(config.llm) } : {}),
    consoleDir: join(__dirname, '..', 'console'),
    incidents,
    adminToken: loadOrCreateAdminToken(config.dataDir),
    alertToken: config.alertToken,
    tokens: new TokenStore(join(config.dataDir, 'tokens.json')),
    audit: new AuditLog(join(config.dataDir, 'audit.jsonl')),
    feedback,
    maintenance,
    tasks: new TaskService(temporal, createTaskStore(aws.s3, config.modelBucket, ensureModelBucket)),
    alarmScope: alarmScopeSettings(aws, config, temporal),
    sns: {
      certificates: cachedCertificates(),
      confirmSubscription: confirmByVisiting,
      allowedTopicArns: config.snsTopicArns,
      maxAgeMs: 60 * 60_000,
    },
    ...(dataConverter.payloadCodecs?.[0]
      ? { codec: { codec: dataConverter.payloadCodecs[0], uiOrigin: new URL(config.temporalUiUrl).origin } }
      : {}),
    health: {
      temporal: async () => {
        await withTimeout(connection.workflowService.getSystemInfo({}), 2000);
        return true;
      },
      aws: async () => {
        await withTimeout(aws.ec2.send(new DescribeAvailabilityZonesCommand({})), 2000);
        return true;
      },
    },
  });
  const server = app.listen(config.apiPort, config.apiHost, () => {
    logger.info({ url: `http://${config.apiHost}:${config.apiPort}` }, 'api listening');
  });
  const shutdown = () => server.close(() => void connection.close().then(() => process.exit(0)));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

run().catch((err: unknown) => {
  logger.fatal({ err }, 'api stopped');
  process.exit(1);
});
