import { describeMinutes, forecastTimeToFailure } from '../domain/maintenance';
import { isQuarantined } from './quarantine';
import { rootVolumeGrown } from './volume';
import { DescribeInstanceStatusCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Diagnosis, IncidentKind } from '../domain/incident';
import { parseModeTag } from '../domain/mode';
import { findInstance, stateOf, tagValue } from './instances';
import { perSecond, readEc2Metrics } from './metrics';
import { bytesPerSecond, requestsPerSecond } from '../domain/anomaly/usual';
import { AUTOSCALING_GROUP_TAG, DEPLOY_TAG, MODE_TAG, PROTECT_TAG } from './tags';
import type { MetricPoint } from '../domain/detection';
import type { OutboundFlows } from './flow-logs';

export interface DiagnosisSettings {
  metricPeriodSeconds: number;
  cpuHighPercent: number;
  latencyHighMs: number;
  /** The error rate (percent) that counts as failure; verification of error-rate-rising reads it. */
  errorRateFailurePercent?: number;
  /** Where the instance sent its traffic since a time, from its fleet's flow logs, when they are kept. */
  outboundFlows?: (instance: Instance, since: Date) => Promise<OutboundFlows | undefined>;
}

export interface HealthCheckInput {
  instanceId: string;
  kind: IncidentKind;
  /** Only evidence newer than this counts: older datapoints describe the fault we just fixed. */
  since: string;
  /**
   * `not-serving`: only a request served counts, never the checks of an instance with no request
   * count (a recheck while a person is asked must not close the incident on an unreadable signal).
   */
  servedOnly?: boolean;
}

export interface HealthCheckResult {
  healthy: boolean;
  detail: string;
}

async function statusChecks(
  ec2: EC2Client,
  instanceId: string,
): Promise<{ system?: string; instance?: string }> {
  const out = await ec2.send(
    new DescribeInstanceStatusCommand({ InstanceIds: [instanceId], IncludeAllInstances: true }),
  );
  const status = out.InstanceStatuses?.[0];
  return { system: status?.SystemStatus?.Status, instance: status?.InstanceStatus?.Status };
}

/** How young an instance that has served nothing must be to count as a replacement its balancer has not registered yet. */
const FRESH_INSTANCE_MS = 3_600_000;

/**
 * How far back a not-serving verification looks for any request count, to tell an instance whose agent
 * is silent after the action (it reported before: it still serves nothing) from one with no agent at all.
 * A day, not an hour: a MANUAL incident approved after an hour would otherwise find its dead agent's
 * last datapoints out of sight, and call a reboot that changed nothing healed by its checks.
 */
const REQUEST_HISTORY_MS = 24 * 3_600_000;

const peak = (points: MetricPoint[]) => (points.length ? Math.max(...points.map((p) => p.value)) : undefined);

/** The deploy that launched this instance, from the tag the deploy workflow puts on what it launches. */
function deployOf(instance: Instance): Diagnosis['deploy'] {
  const tag = tagValue(instance, DEPLOY_TAG);
  if (!tag || !instance.LaunchTime) return undefined;
  const minutesAgo = Math.max(0, Math.round((Date.now() - instance.LaunchTime.getTime()) / 60_000));
  return { id: tag.split('/')[0] ?? tag, minutesAgo };
}

export function createDiagnosisActivities(
  ec2: EC2Client,
  cloudwatch: CloudWatchClient,
  settings: DiagnosisSettings,
) {
  async function recentMetrics(instanceId: string, since: Date) {
    const metrics = await readEc2Metrics(
      cloudwatch,
      [
        { instanceId, metric: 'StatusCheckFailed' },
        { instanceId, metric: 'CPUUtilization' },
        { instanceId, metric: 'LatencyP99' },
        { instanceId, metric: 'ErrorRate' },
        { instanceId, metric: 'mem_used_percent' },
        { instanceId, metric: 'swap_used_percent' },
        { instanceId, metric: 'NetworkIn' },
        { instanceId, metric: 'NetworkOut' },
        { instanceId, metric: 'RequestCount' },
      ],
      since,
      new Date(Date.now() + 60_000),
      settings.metricPeriodSeconds,
      'exact-start',
    );
    return {
      statusCheckFailed: metrics.get(`${instanceId}/StatusCheckFailed`) ?? [],
      cpu: metrics.get(`${instanceId}/CPUUtilization`) ?? [],
      latency: metrics.get(`${instanceId}/LatencyP99`) ?? [],
      errorRate: metrics.get(`${instanceId}/ErrorRate`) ?? [],
      memory: metrics.get(`${instanceId}/mem_used_percent`) ?? [],
      swap: metrics.get(`${instanceId}/swap_used_percent`) ?? [],
      networkIn: perSecond(metrics.get(`${instanceId}/NetworkIn`), settings.metricPeriodSeconds),
      networkOut: perSecond(metrics.get(`${instanceId}/NetworkOut`), settings.metricPeriodSeconds),
      requests: perSecond(metrics.get(`${instanceId}/RequestCount`), settings.metricPeriodSeconds),
    };
  }

  async function diagnoseInstance(input: {
    instanceId: string;
    lookbackMinutes: number;
    /** Read where the instance's traffic went (an outbound surge's diagnosis). */
    outboundFlows?: boolean;
  }): Promise<Diagnosis> {
    const instance = await findInstance(ec2, input.instanceId);
    if (!instance) {
      return {
        exists: false,
        state: 'not-found',
        recentStatusCheckFailures: 0,
        findings: [`${input.instanceId} was not found in EC2.`],
      };
    }
    const state = stateOf(instance);
    const checks = await statusChecks(ec2, input.instanceId);
    const since = new Date(Date.now() - input.lookbackMinutes * 60_000);
    const metrics = await recentMetrics(input.instanceId, since);
    // Supplementary: unreadable flow logs are said, and do not fail the diagnosis.
    const flows =
      input.outboundFlows && settings.outboundFlows
        ? await settings.outboundFlows(instance, since).catch((err: unknown): OutboundFlows => ({
            line: `Flow logs could not be read: ${String((err as Error)?.message ?? err)}.`,
          }))
        : undefined;
    const failures = metrics.statusCheckFailed.filter((p) => p.value >= 1).length;
    const maxCpu = peak(metrics.cpu);
    const maxMemory = peak(metrics.memory);
    const maxSwap = peak(metrics.swap);
    const maxTraffic = peak(metrics.networkIn);
    const maxEgress = peak(metrics.networkOut);
    const maxRequests = peak(metrics.requests);
    const deploy = deployOf(instance);
    const findings = [
      `State ${state} (${instance.InstanceType ?? 'unknown type'}).`,
      `Status checks now: system ${checks.system ?? 'unknown'}, instance ${checks.instance ?? 'unknown'}.`,
      `${failures} failing StatusCheckFailed datapoint(s) in the last ${input.lookbackMinutes} min.`,
      maxCpu === undefined ? 'No CPU datapoints.' : `Peak CPU ${maxCpu.toFixed(1)}%.`,
      ...(maxMemory === undefined ? [] : [`Peak memory ${maxMemory.toFixed(1)}%.`]),
      ...(maxSwap === undefined ? [] : [`Peak swap ${maxSwap.toFixed(1)}%.`]),
      ...(maxTraffic === undefined ? [] : [`Peak inbound traffic ${bytesPerSecond(maxTraffic)}.`]),
      ...(maxEgress === undefined ? [] : [`Peak outbound traffic ${bytesPerSecond(maxEgress)}.`]),
      ...(maxRequests === undefined ? [] : [`Peak request rate ${requestsPerSecond(maxRequests)}.`]),
      ...(flows ? [flows.line] : []),
      ...(deploy ? [`Launched by deploy ${deploy.id} ${deploy.minutesAgo} min ago.`] : []),
    ];
    const autoScalingGroup = tagValue(instance, AUTOSCALING_GROUP_TAG);
    return {
      exists: true,
      state,
      instanceType: instance.InstanceType,
      systemStatus: checks.system,
      instanceStatus: checks.instance,
      modeTag: parseModeTag(tagValue(instance, MODE_TAG)),
      protected: tagValue(instance, PROTECT_TAG)?.toLowerCase() === 'true',
      ...(autoScalingGroup ? { autoScalingGroup } : {}),
      recentStatusCheckFailures: failures,
      recentMaxCpu: maxCpu,
      ...(maxMemory === undefined ? {} : { recentMaxMemory: maxMemory }),
      ...(maxSwap === undefined ? {} : { recentMaxSwap: maxSwap }),
      ...(deploy ? { deploy } : {}),
      ...(flows ? { outboundFlows: flows.line } : {}),
      ...(flows?.trustedEgress ? { trustedEgress: flows.trustedEgress } : {}),
      findings,
    };
  }

  /**
   * A member that stopped serving is healed when it serves requests again. An instance that reported
   * no request count in the last day cannot be judged by one (no agent, or the remediation's fresh
   * replacement): its state and checks judge it, and the report says so; nothing is replaced on a
   * signal that cannot be read. One launched under an hour ago whose agent reports only zeros is a
   * replacement its balancer has not registered yet, judged the same way.
   */
  async function servingAgain(
    input: HealthCheckInput,
    instance: Instance,
    requests: MetricPoint[],
  ): Promise<HealthCheckResult> {
    const served = requests.filter((p) => p.value > 0);
    if (served.length)
      return {
        healthy: true,
        detail: `${input.instanceId} serves again: ${requestsPerSecond(Math.max(...served.map((p) => p.value)))} at most since ${input.servedOnly ? input.since : 'the action'}`,
      };
    if (input.servedOnly)
      return { healthy: false, detail: `${input.instanceId} has served no request since ${input.since}` };
    const history =
      (
        await readEc2Metrics(
          cloudwatch,
          [{ instanceId: input.instanceId, metric: 'RequestCount' }],
          new Date(Date.now() - REQUEST_HISTORY_MS),
          new Date(Date.now() + 60_000),
          settings.metricPeriodSeconds,
          'exact-start',
        )
      ).get(`${input.instanceId}/RequestCount`) ?? [];
    if (history.length === 0)
      return {
        healthy: true,
        detail: `${input.instanceId} reported no request count in the last day (no agent, or a fresh replacement): running with its status checks passing, it is judged by them; it serves once its load balancer registers it`,
      };
    const launched = instance.LaunchTime?.getTime();
    if (
      launched !== undefined &&
      Date.now() - launched < FRESH_INSTANCE_MS &&
      !history.some((p) => p.value > 0)
    )
      return {
        healthy: true,
        detail: `${input.instanceId} was launched ${describeMinutes((Date.now() - launched) / 60_000)} ago and has served nothing yet: running with its status checks passing, it serves once its load balancer registers it`,
      };
    return { healthy: false, detail: `${input.instanceId} has served no request since ${input.since}` };
  }

  async function checkHealth(input: HealthCheckInput): Promise<HealthCheckResult> {
    const instance = await findInstance(ec2, input.instanceId);
    if (!instance) return { healthy: false, detail: `${input.instanceId} no longer exists` };
    const state = stateOf(instance);
    // A compromised instance is contained when it can talk to nothing; running or not is beside the point.
    if (input.kind === 'instance-compromised' || input.kind === 'egress-surge') {
      const quarantine = await isQuarantined(ec2, instance);
      return quarantine.isolated
        ? { healthy: true, detail: `${input.instanceId} is isolated in ${quarantine.groupId}` }
        : { healthy: false, detail: `${input.instanceId} still has other security groups` };
    }
    // An idle instance is healed when it is stopped: the goal is the saving, not uptime.
    if (input.kind === 'instance-idle')
      return state === 'stopped'
        ? { healthy: true, detail: `${input.instanceId} is stopped; its compute cost has ended` }
        : { healthy: false, detail: `${input.instanceId} is ${state}` };
    // A filling disk is handled when the volume has grown; the instance may be stopped meanwhile.
    if (input.kind === 'disk-filling') {
      const grown = await rootVolumeGrown(ec2, instance);
      return { healthy: grown.grown, detail: grown.detail };
    }
    if (state !== 'running') return { healthy: false, detail: `${input.instanceId} is ${state}` };
    const checks = await statusChecks(ec2, input.instanceId);
    if (checks.system === 'impaired' || checks.instance === 'impaired') {
      return {
        healthy: false,
        detail: `status checks impaired (system ${checks.system}, instance ${checks.instance})`,
      };
    }
    const metrics = await recentMetrics(input.instanceId, new Date(input.since));
    const failing = metrics.statusCheckFailed.filter((p) => p.value >= 1);
    if (failing.length > 0) {
      return {
        healthy: false,
        detail: `${failing.length} failing status check datapoint(s) since ${input.since}`,
      };
    }
    if (input.kind === 'cpu-high') {
      if (metrics.cpu.length === 0)
        // Said, not hidden: "verified" here rests on the state and the status checks alone.
        return {
          healthy: true,
          detail: `${input.instanceId} running, status checks ${checks.instance ?? 'ok'}; no CPU datapoint since the action yet, so the CPU itself is not confirmed down`,
        };
      const mean = metrics.cpu.reduce((s, p) => s + p.value, 0) / metrics.cpu.length;
      if (mean >= settings.cpuHighPercent)
        return { healthy: false, detail: `CPU still ${mean.toFixed(1)}% since ${input.since}` };
      return {
        healthy: true,
        detail: `${input.instanceId} running, CPU averaged ${mean.toFixed(1)}% over ${metrics.cpu.length} datapoint(s) since the action (under ${settings.cpuHighPercent}%)`,
      };
    }
    if (input.kind === 'latency-high' && metrics.latency.length > 0) {
      const worst = Math.max(...metrics.latency.map((p) => p.value));
      if (worst >= settings.latencyHighMs)
        return { healthy: false, detail: `p99 latency still ${worst.toFixed(0)} ms since ${input.since}` };
      return {
        healthy: true,
        detail: `${input.instanceId} running, p99 latency back to at most ${worst.toFixed(0)} ms since the action`,
      };
    }
    // A drifting error rate is healed when it stays under its failure level and stops climbing.
    if (input.kind === 'error-rate-rising' && metrics.errorRate.length > 0) {
      const worst = Math.max(...metrics.errorRate.map((p) => p.value));
      const level = settings.errorRateFailurePercent ?? 5;
      const still = forecastTimeToFailure(metrics.errorRate, level);
      if (worst >= level || still)
        return {
          healthy: false,
          detail: `error rate ${worst >= level ? `reached ${worst.toFixed(1)}%` : `still climbing ${still?.slopePerHour.toFixed(1)} points an hour`} since ${input.since}`,
        };
      return {
        healthy: true,
        detail: `${input.instanceId} running, error rate at most ${worst.toFixed(1)}% and no longer climbing since the action`,
      };
    }
    if (input.kind === 'not-serving') return servingAgain(input, instance, metrics.requests);
    return {
      healthy: true,
      detail: `${input.instanceId} running, status checks ${checks.instance ?? 'ok'}, no failing datapoints since the action`,
    };
  }

  return { diagnoseInstance, checkHealth };
}
