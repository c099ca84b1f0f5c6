import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Client } from '@temporalio/client';
import {
  detectFaults,
  detectorKeyOf,
  judgedMetrics,
  runningGroupMembers,
  type InstanceObservation,
  type AnomalyFloors,
  type AnomalySettings,
  type MetricPoint,
  type DetectionResult,
  type DetectionThresholds,
  type DetectorStates,
  type Watermarks,
} from '../domain/detection';
import type { IncidentRequest } from '../domain/incident';
import { coveringWindow, type MaintenanceWindow } from '../domain/maintenance-window';
import { openOrJoinIncident, type OpenedIncident } from './incident-starter';
import { listFleetInstances } from './fleet';
import { stateOf, tagValue } from './instances';
import { AUTOSCALING_GROUP_TAG } from './tags';
import { asJudged, MONITORED_SERIES, readEc2Metrics, type Ec2Metric, type MetricRequest } from './metrics';
import { MEDIC_RESOURCE } from '../workflows/search-attributes';
import { groupsSilentSince, NOT_SERVING_WINDOW_POINTS } from '../domain/serving';
import { readBalancerViews, type BalancingClients } from './balancer-view';

export interface DetectionSettings extends DetectionThresholds {
  metricPeriodSeconds: number;
  lookbackMinutes: number;
  cpuAnomalyFloorPercent: number;
  /** Latency anomalies below this p99 (ms) open nothing; absent, latency is judged by its threshold alone. */
  latencyAnomalyFloorMs?: number;
  /** Inbound traffic anomalies below this many bytes per second open nothing; absent, traffic is not judged. */
  networkAnomalyFloorBytesPerSecond?: number;
  /** The same for outbound traffic; absent, it is not judged. */
  egressAnomalyFloorBytesPerSecond?: number;
  /** Request-rate anomalies below this many a second open nothing; absent, requests are not judged. */
  requestAnomalyFloorPerSecond?: number;
  /** How far back creeping metrics' trends are read (default 60 minutes; `eval maintenance` uses the same). */
  trendLookbackMinutes?: number;
  /** The registry's active detector, when one is promoted. */
  activeDetector?: () => Promise<AnomalySettings['model']>;
  /** Maintenance windows not over (decision 0064); without it none is honoured. */
  maintenance?: (now: Date) => Promise<MaintenanceWindow[]>;
}

/**
 * A detector this monitor has not started yet first learns this many days before the scan's window:
 * a week and a day, so its daily profile knows every weekday before it judges one.
 */
export const DETECTOR_HISTORY_DAYS = 8;
/**
 * Series whose history one scan reads (11 520 one-minute points each); the others wait for the next
 * scans, judged by the fixed thresholds meanwhile, so a scan stays well inside its minute however
 * large the fleet that a new monitor starts on.
 */
export const HISTORY_READS_PER_SCAN = 50;
/**
 * CloudWatch keeps sub-minute datapoints for three hours only: at such a period a new detector learns
 * those hours (enough to pass its warm-up), not a week.
 */
const SUB_MINUTE_HISTORY_MS = 3 * 3_600_000;
const HISTORY_MIN_PERIOD_SECONDS = 60;

export interface ScanInput {
  fleet: string;
  watermarks: Watermarks;
  /** Streaming detector state per instance and metric; absent = threshold rules only (older monitors). */
  detectors?: DetectorStates;
}

export interface ScanResult extends DetectionResult {
  instancesSeen: number;
}

/** Resources with an incident in progress, from Temporal visibility. */
async function resourcesUnderRemediation(temporal: Client): Promise<Set<string>> {
  const busy = new Set<string>();
  const query = `WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running'`;
  for await (const execution of temporal.workflow.list({ query })) {
    const resource = execution.typedSearchAttributes.get(MEDIC_RESOURCE);
    if (resource) busy.add(resource);
  }
  return busy;
}

export function createDetectionActivities(
  ec2: EC2Client,
  cloudwatch: CloudWatchClient,
  temporal: Client,
  settings: DetectionSettings,
  /** Reads the balancers in front of a group gone silent (decision 0070); without it none is read. */
  balancing?: BalancingClients,
) {
  async function scanFleet(input: ScanInput): Promise<ScanResult> {
    // Terminated members too: one still tagged with the fleet was not retired by cloud-medic
    // (a replacement removes the tag first), so it went away unexpectedly.
    const all = await listFleetInstances(ec2, input.fleet, true);
    const instances = all.filter((i) => !['shutting-down', 'terminated'].includes(stateOf(i)));
    const ids = instances.map((i) => i.InstanceId as string);
    const requests: MetricRequest[] = ids.flatMap((instanceId) => [
      { instanceId, metric: 'StatusCheckFailed' as const },
      { instanceId, metric: 'CPUUtilization' as const },
      { instanceId, metric: 'LatencyP99' as const },
      { instanceId, metric: 'NetworkIn' as const },
      { instanceId, metric: 'NetworkOut' as const },
      { instanceId, metric: 'RequestCount' as const },
    ]);
    const now = new Date();
    const metrics = requests.length
      ? await readEc2Metrics(
          cloudwatch,
          requests,
          new Date(now.getTime() - settings.lookbackMinutes * 60_000),
          new Date(now.getTime() + 60_000),
          settings.metricPeriodSeconds,
        )
      : new Map<string, MetricPoint[]>();
    // Disks fill, memory leaks and error rates drift slowly: their trend is read over an hour, so a
    // noisy quarter-hour is not a trend.
    const creeping = ids.length
      ? await readEc2Metrics(
          cloudwatch,
          ids.flatMap((instanceId) => [
            { instanceId, metric: 'disk_used_percent' as const },
            { instanceId, metric: 'mem_used_percent' as const },
            { instanceId, metric: 'ErrorRate' as const },
          ]),
          new Date(now.getTime() - (settings.trendLookbackMinutes ?? 60) * 60_000),
          new Date(now.getTime() + 60_000),
          settings.metricPeriodSeconds,
        )
      : new Map<string, MetricPoint[]>();
    const floors: AnomalyFloors = {
      floorPercent: settings.cpuAnomalyFloorPercent,
      ...(settings.latencyAnomalyFloorMs !== undefined
        ? { latencyFloorMs: settings.latencyAnomalyFloorMs }
        : {}),
      ...(settings.networkAnomalyFloorBytesPerSecond !== undefined
        ? { networkFloorBytesPerSecond: settings.networkAnomalyFloorBytesPerSecond }
        : {}),
      ...(settings.egressAnomalyFloorBytesPerSecond !== undefined
        ? { egressFloorBytesPerSecond: settings.egressAnomalyFloorBytesPerSecond }
        : {}),
      ...(settings.requestAnomalyFloorPerSecond !== undefined
        ? { requestFloorPerSecond: settings.requestAnomalyFloorPerSecond }
        : {}),
    };
    const judged = judgedMetrics(floors);
    // Series of running instances with points in the window and no detector yet: an instance that
    // publishes nothing would take a reading's place in every scan.
    const newcomers = input.detectors
      ? instances
          .filter((i) => stateOf(i) === 'running')
          .flatMap((i) => judged.map((metric) => ({ instanceId: i.InstanceId as string, metric })))
          .filter(
            ({ instanceId, metric }) =>
              !(detectorKeyOf(instanceId, metric) in (input.detectors ?? {})) &&
              metrics.get(`${instanceId}/${MONITORED_SERIES[metric]}`)?.length,
          )
      : [];
    const historyRead = newcomers.slice(0, HISTORY_READS_PER_SCAN);
    const waitingForHistory = new Set(
      newcomers.slice(HISTORY_READS_PER_SCAN).map((s) => detectorKeyOf(s.instanceId, s.metric)),
    );
    const windowStart = now.getTime() - settings.lookbackMinutes * 60_000;
    const historyMs =
      settings.metricPeriodSeconds >= HISTORY_MIN_PERIOD_SECONDS
        ? DETECTOR_HISTORY_DAYS * 86_400_000
        : SUB_MINUTE_HISTORY_MS;
    const history = historyRead.length
      ? await readEc2Metrics(
          cloudwatch,
          historyRead.map((s) => ({ instanceId: s.instanceId, metric: MONITORED_SERIES[s.metric] })),
          new Date(windowStart - historyMs),
          new Date(windowStart),
          settings.metricPeriodSeconds,
        )
      : new Map<string, MetricPoint[]>();
    const busy = await resourcesUnderRemediation(temporal);
    // Only the series read: a detector that already runs ignores history, and an absent one is learnt fresh.
    const judgedOf = (series: Map<string, MetricPoint[]>, instanceId: string, metric: Ec2Metric) =>
      asJudged(metric, series.get(`${instanceId}/${metric}`), settings.metricPeriodSeconds);
    const historyOf = (instanceId: string) =>
      historyRead.some((s) => s.instanceId === instanceId)
        ? {
            history: {
              cpuUtilization: judgedOf(history, instanceId, 'CPUUtilization'),
              latencyP99: judgedOf(history, instanceId, 'LatencyP99'),
              networkIn: judgedOf(history, instanceId, 'NetworkIn'),
              networkOut: judgedOf(history, instanceId, 'NetworkOut'),
              requestRate: judgedOf(history, instanceId, 'RequestCount'),
            },
          }
        : {};
    const groupOf = (i: (typeof all)[number]) => {
      const group = tagValue(i, AUTOSCALING_GROUP_TAG);
      return group ? { group } : {};
    };
    const observations = all.map((i) => ({
      instanceId: i.InstanceId as string,
      state: stateOf(i),
      ...groupOf(i),
      statusCheckFailed: metrics.get(`${i.InstanceId}/StatusCheckFailed`) ?? [],
      cpuUtilization: metrics.get(`${i.InstanceId}/CPUUtilization`) ?? [],
      latencyP99: metrics.get(`${i.InstanceId}/LatencyP99`) ?? [],
      networkIn: judgedOf(metrics, i.InstanceId as string, 'NetworkIn'),
      networkOut: judgedOf(metrics, i.InstanceId as string, 'NetworkOut'),
      requestRate: judgedOf(metrics, i.InstanceId as string, 'RequestCount'),
      diskUsedPercent: creeping.get(`${i.InstanceId}/disk_used_percent`) ?? [],
      memUsedPercent: creeping.get(`${i.InstanceId}/mem_used_percent`) ?? [],
      errorRate: creeping.get(`${i.InstanceId}/ErrorRate`) ?? [],
      ...historyOf(i.InstanceId as string),
    }));
    const model = input.detectors ? await settings.activeDetector?.() : undefined;
    const anomaly: AnomalySettings | undefined = input.detectors
      ? {
          detectors: input.detectors,
          ...floors,
          ...(model ? { model } : {}),
          ...(waitingForHistory.size ? { waitingForHistory } : {}),
        }
      : undefined;
    const windows = (await settings.maintenance?.(now)) ?? [];
    const underMaintenance = new Set(
      all
        .map((i) => i.InstanceId as string)
        .filter((resourceId) => coveringWindow(windows, { resourceId, fleet: input.fleet }, now.getTime())),
    );
    const balancers = await balancersOfSilentGroups(observations, now);
    const result = detectFaults(
      observations,
      input.watermarks,
      busy,
      settings,
      now.toISOString(),
      anomaly,
      underMaintenance,
      balancers,
    );
    return { ...result, instancesSeen: instances.length };
  }

  /**
   * Only groups whose every member went quiet are worth a balancer read: most scans read none. The
   * filter is by the clock, looser than the balancer's own window, so it drops no group that
   * `groupsUnanswered` would find.
   */
  async function balancersOfSilentGroups(observations: InstanceObservation[], now: Date) {
    if (!balancing || settings.notServingSiblingMinPerSecond === undefined) return [];
    const members = runningGroupMembers(observations);
    const quietFrom = new Date(
      now.getTime() - NOT_SERVING_WINDOW_POINTS * settings.metricPeriodSeconds * 1000,
    ).toISOString();
    const silent = groupsSilentSince(members, quietFrom);
    try {
      return await readBalancerViews(
        { ...balancing, cloudwatch },
        silent,
        new Date(now.getTime() - settings.lookbackMinutes * 60_000),
        new Date(now.getTime() + 60_000),
        settings.metricPeriodSeconds,
      );
    } catch (err) {
      // The scan's other findings must not wait on a balancer read: the next scan reads it again.
      console.warn(
        `balancers in front of ${silent.join(', ')} unreadable, their silence is judged next scan: ${(err as Error).message}`,
      );
      return [];
    }
  }

  async function openIncident(request: IncidentRequest): Promise<OpenedIncident> {
    return openOrJoinIncident(temporal, request);
  }

  return { scanFleet, openIncident };
}
