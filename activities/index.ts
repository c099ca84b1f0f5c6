import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { MedicConfig } from '../domain/config';
import type { AwsClients } from './aws-clients';
import { createDetectionActivities } from './detection';
import { createMaintenanceStore } from './maintenance-store';
import { createDiagnosisActivities } from './diagnosis';
import { createEc2Remediations } from './ec2-remediation';
import { createNotifier } from './notify';
import { createLifecycleEventActivities } from './lifecycle-events';
import { createIncidentMetrics, type IncidentMetrics } from './incident-metrics';
import { createBudgetActivities } from './budget-starter';
import { createIncidentHistoryActivities } from './incident-history';
import { createPolicyActivities } from './policy';
import {
  createLearningActivities,
  demandTrainingData,
  detectorTrainingData,
  retrainingBlocker,
} from './learning';
import { fleetDemandTraces } from './fleet-demand';
import { activeDemandForecastOf, activeDetectorOf, createModelStore } from './model-store';
import { createSecurityActivities } from './security';
import { createAutonomyActivities } from './autonomy';
import { createScalingActivities } from './scaling';
import { createTroubleshootActivities } from './troubleshoot';
import { createNetworkBlockActivities } from './network-block';
import { createCostActivities } from './cost';
import { createQuarantineActivities } from './quarantine';
import { createRestoreActivities } from './restore';
import { createScaleOutActivities } from './scale-out';
import { createFlowLogActivities, outboundFlowReader } from './flow-logs';
import { createComplianceActivities } from './compliance';
import { createDeployActivities } from './deploy';
import { createInfraDriftActivities } from './infra-drift';
import { createCodegenActivities } from './codegen';
import { createVolumeActivities } from './volume';
import { createGroupReplacementActivities } from './group-replacement';
import { createModelMonitorActivities, listClosedIncidents } from './model-monitor';
import { createFeedbackStore } from './feedback-store';
import { answeredSeriesReader } from './answered-series';
import { fleetEvidenceFor, LEARNS_FROM_FLEET } from '../domain/models/fleet-evidence';
import { createRootCauseActivities } from './root-cause';
import { createPolicyAdviceActivities } from './policy-advice';

export * from './aws-clients';
export type { RemediationInput, RemediationResult } from './ec2-remediation';
export type { HealthCheckInput, HealthCheckResult } from './diagnosis';
export type { ScanInput, ScanResult } from './detection';
export type { NotificationInput, NotificationResult } from './notify';
export type { PublishResult } from './lifecycle-events';
export type { GeneratedCode } from './codegen';
export type { IncidentPolicy } from './policy';

export interface ActivityDeps {
  aws: AwsClients;
  temporal: Client;
  config: MedicConfig;
  /** Where the incident figures are counted; the worker process serves its registry. */
  metrics?: IncidentMetrics;
}

const activityHeartbeat = () => (detail: string) => Context.current().heartbeat(detail);

/** Every side effect the workflows may ask for, built from explicit clients so tests can pass their own. */
export function createActivities(deps: ActivityDeps) {
  const metricPeriodSeconds = deps.config.metricPeriodSeconds;
  const models = createModelStore(deps.aws.s3, deps.config.modelBucket);
  // Answers to "Was your issue resolved?" are read, never written, by the worker.
  const feedback = createFeedbackStore(deps.aws.s3, deps.config.modelBucket, async () => undefined);
  // Windows are written by the API; the worker only reads them.
  const maintenance = createMaintenanceStore(deps.aws.s3, deps.config.modelBucket, async () => undefined);
  const answeredSeries = answeredSeriesReader(deps.aws.cloudwatch, feedback, metricPeriodSeconds);
  const fleetDemand = (progress?: (detail: string) => void) =>
    fleetDemandTraces(deps.temporal, deps.aws.autoscaling, deps.aws.cloudwatch, progress);
  return {
    ...createEc2Remediations(deps.aws.ec2, activityHeartbeat),
    ...createDiagnosisActivities(deps.aws.ec2, deps.aws.cloudwatch, {
      metricPeriodSeconds,
      cpuHighPercent: deps.config.cpuHighPercent,
      latencyHighMs: deps.config.latencyHighMs,
      errorRateFailurePercent: deps.config.errorRateFailurePercent,
      outboundFlows: outboundFlowReader(deps.aws.s3, deps.config.flowLogBucket, {
        destinations: deps.config.trustedEgress,
        floorBytesPerSecond: deps.config.egressAnomalyFloorBytesPerSecond,
      }),
    }),
    ...createDetectionActivities(
      deps.aws.ec2,
      deps.aws.cloudwatch,
      deps.temporal,
      {
        metricPeriodSeconds,
        lookbackMinutes: 15,
        cpuHighPercent: deps.config.cpuHighPercent,
        cpuWindowPoints: 3,
        latencyHighMs: deps.config.latencyHighMs,
        cpuAnomalyFloorPercent: deps.config.cpuAnomalyFloorPercent,
        latencyAnomalyFloorMs: deps.config.latencyAnomalyFloorMs,
        networkAnomalyFloorBytesPerSecond: deps.config.networkAnomalyFloorBytesPerSecond,
        egressAnomalyFloorBytesPerSecond: deps.config.egressAnomalyFloorBytesPerSecond,
        requestAnomalyFloorPerSecond: deps.config.requestAnomalyFloorPerSecond,
        notServingSiblingMinPerSecond: deps.config.notServingSiblingMinPerSecond,
        diskFullPercent: deps.config.diskFullPercent,
        forecastHorizonMinutes: deps.config.forecastHorizonMinutes,
        memoryFullPercent: deps.config.memoryFullPercent,
        errorRateFailurePercent: deps.config.errorRateFailurePercent,
        activeDetector: activeDetectorOf(models),
        maintenance: (now) => maintenance.current(now),
      },
      { autoscaling: deps.aws.autoscaling, elbv2: deps.aws.elbv2 },
    ),
    ...createNotifier(deps.config.webhookUrl, { format: deps.config.webhookFormat }),
    ...createLifecycleEventActivities(
      deps.config.eventSinks,
      deps.config.awsRegion,
      deps.metrics ?? createIncidentMetrics(),
    ),
    ...createPolicyActivities(deps.config),
    ...createIncidentHistoryActivities(deps.temporal),
    ...createBudgetActivities(deps.temporal, deps.config),
    ...createSecurityActivities(deps.aws.ec2, deps.temporal),
    ...createAutonomyActivities(deps.temporal, deps.config.autonomy),
    ...createScalingActivities(deps.aws.autoscaling, deps.aws.cloudwatch, deps.metrics),
    ...createTroubleshootActivities(deps.aws.ec2, deps.aws.cloudwatch, deps.temporal),
    ...createNetworkBlockActivities(deps.aws.ec2),
    ...createCostActivities(deps.aws.ec2, deps.aws.cloudwatch),
    ...createQuarantineActivities(deps.aws.ec2, deps.aws.autoscaling),
    ...createRestoreActivities(deps.aws.ec2, activityHeartbeat),
    ...createScaleOutActivities(deps.aws.ec2, deps.aws.autoscaling),
    ...createFlowLogActivities(deps.aws.s3, deps.config.flowLogBucket, deps.temporal),
    ...createComplianceActivities(deps.aws.ec2, deps.aws.s3, deps.temporal, deps.config.flowLogBucket),
    ...createDeployActivities(
      { ...deps.aws, temporal: deps.temporal },
      { metricPeriodSeconds },
      activityHeartbeat,
    ),
    ...createVolumeActivities(deps.aws.ec2),
    ...createGroupReplacementActivities(deps.aws.ec2, deps.aws.autoscaling),
    ...createModelMonitorActivities(deps.temporal, feedback, deps.metrics),
    ...createCodegenActivities({ awsEndpoint: deps.config.awsEndpoint }, activityHeartbeat),
    ...createInfraDriftActivities(
      deps.aws,
      { repo: deps.config.infraRepo, stack: deps.config.infraStack, baseRef: deps.config.infraBaseRef },
      activityHeartbeat,
    ),
    ...createLearningActivities(models, activityHeartbeat, async (model, progress) => ({
      ...(model === 'detector'
        ? await detectorTrainingData(deps.config.detectorDataset, () => answeredSeries(true, progress))
        : {}),
      ...(model === 'demand-forecast'
        ? await demandTrainingData(deps.config.demandDataset, () => fleetDemand(progress))
        : {}),
      ...(LEARNS_FROM_FLEET.includes(model)
        ? fleetEvidenceFor(model, await listClosedIncidents(deps.temporal, feedback, 24 * 30))
        : {}),
    })),
    retrainingBlocker: async ({ model }: { model: string }) =>
      retrainingBlocker(model, deps.config.detectorDataset, () => answeredSeries(false), {
        dataset: deps.config.demandDataset,
        readFleet: () => fleetDemand(),
      }),
    ...createRootCauseActivities(deps.aws, deps.temporal, models),
    activeDemandForecast: activeDemandForecastOf(models),
    ...createPolicyAdviceActivities(models),
  };
}

export type MedicActivities = ReturnType<typeof createActivities>;
