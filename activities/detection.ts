import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Client } from '@temporalio/client';
import {
  detectFaults,
  type AnomalySettings,
  type MetricPoint,
  type DetectionResult,
  type DetectionThresholds,
  type DetectorStates,
  type Watermarks,
} from '../domain/detection';
import type { IncidentRequest } from '../domain/incident';
import { openOrJoinIncident, type OpenedIncident } from './incident-starter';
import { listFleetInstances } from './fleet';
import { stateOf } from './instances';
import { readEc2Metrics, type MetricRequest } from './metrics';
import { MEDIC_RESOURCE } from '../workflows/search-attributes';

export interface DetectionSettings extends DetectionThresholds {
  metricPeriodSeconds: number;
  lookbackMinutes: number;
  cpuAnomalyFloorPercent: number;
  /** Latency anomalies below this p99 (ms) open nothing; absent, latency is judged by its threshold alone. */
  latencyAnomalyFloorMs?: number;
  /** How far back creeping metrics' trends are read (default 60 minutes; `eval maintenance` uses the same). */
  trendLookbackMinutes?: number;
  /** The registry's active detector, when one is promoted. */
  activeDetector?: () => Promise<AnomalySettings['model']>;
}

/**
 * A detector this monitor has not started yet first learns this many days before the scan's window:
 * a week and a day, so its daily profile knows every weekday before it judges one.
 */
export const DETECTOR_HISTORY_DAYS = 8;
/**
 * Instances whose history one scan reads (two series of 11 520 one-minute points each); the others
 * wait for the next scans, judged by the fixed thresholds meanwhile, so a scan stays well inside its
 * minute however large the fleet that a new monitor starts on.
 */
export const HISTORY_READS_PER_SCAN = 25;
/** CloudWatch keeps sub-minute datapoints for three hours only: no week of history at that period. */
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
    // Running instances with CPU in the window and no detector yet: an instance that publishes nothing
    // would take a reading's place in every scan.
    const newcomers = input.detectors
      ? instances
          .filter((i) => stateOf(i) === 'running')
          .map((i) => i.InstanceId as string)
          .filter((id) => !(id in (input.detectors ?? {})) && metrics.get(`${id}/CPUUtilization`)?.length)
      : [];
    const historyRead =
      settings.metricPeriodSeconds >= HISTORY_MIN_PERIOD_SECONDS
        ? newcomers.slice(0, HISTORY_READS_PER_SCAN)
        : [];
    const waitingForHistory = new Set(historyRead.length ? newcomers.slice(HISTORY_READS_PER_SCAN) : []);
    const windowStart = now.getTime() - settings.lookbackMinutes * 60_000;
    const history = historyRead.length
      ? await readEc2Metrics(
          cloudwatch,
          historyRead.flatMap((instanceId) => [
            { instanceId, metric: 'CPUUtilization' as const },
            ...(settings.latencyAnomalyFloorMs !== undefined
              ? [{ instanceId, metric: 'LatencyP99' as const }]
              : []),
          ]),
          new Date(windowStart - DETECTOR_HISTORY_DAYS * 86_400_000),
          new Date(windowStart),
          settings.metricPeriodSeconds,
        )
      : new Map<string, MetricPoint[]>();
    const busy = await resourcesUnderRemediation(temporal);
    const historyOf = (instanceId: string) =>
      historyRead.includes(instanceId)
        ? {
            history: {
              cpuUtilization: history.get(`${instanceId}/CPUUtilization`) ?? [],
              latencyP99: history.get(`${instanceId}/LatencyP99`) ?? [],
            },
          }
        : {};
    const observations = all.map((i) => ({
      instanceId: i.InstanceId as string,
      state: stateOf(i),
      statusCheckFailed: metrics.get(`${i.InstanceId}/StatusCheckFailed`) ?? [],
      cpuUtilization: metrics.get(`${i.InstanceId}/CPUUtilization`) ?? [],
      latencyP99: metrics.get(`${i.InstanceId}/LatencyP99`) ?? [],
      diskUsedPercent: creeping.get(`${i.InstanceId}/disk_used_percent`) ?? [],
      memUsedPercent: creeping.get(`${i.InstanceId}/mem_used_percent`) ?? [],
      errorRate: creeping.get(`${i.InstanceId}/ErrorRate`) ?? [],
      ...historyOf(i.InstanceId as string),
    }));
    const model = input.detectors ? await settings.activeDetector?.() : undefined;
    const anomaly: AnomalySettings | undefined = input.detectors
      ? {
          detectors: input.detectors,
          floorPercent: settings.cpuAnomalyFloorPercent,
          ...(settings.latencyAnomalyFloorMs !== undefined
            ? { latencyFloorMs: settings.latencyAnomalyFloorMs }
            : {}),
          ...(model ? { model } : {}),
          ...(waitingForHistory.size ? { waitingForHistory } : {}),
        }
      : undefined;
    const result = detectFaults(observations, input.watermarks, busy, settings, now.toISOString(), anomaly);
    return { ...result, instancesSeen: instances.length };
  }

  async function openIncident(request: IncidentRequest): Promise<OpenedIncident> {
    return openOrJoinIncident(temporal, request);
  }

  return { scanFleet, openIncident };
}
