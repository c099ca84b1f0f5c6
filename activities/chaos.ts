import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  StopInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { PutMetricDataCommand, type CloudWatchClient, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { namespaceOf, type Ec2Metric } from './metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FlowRecord } from '../domain/traffic';
import { writeFlowLog } from './flow-logs';
import { createModelStore } from './model-store';
import { requireInstance, tagValue } from './instances';
import { AUTOSCALING_GROUP_TAG, FLEET_TAG } from './tags';

/** Datapoints per PutMetricData call (CloudWatch's limit is higher; the emulator's request size is not). */
const PUT_METRIC_DATA_BATCH = 100;
/** The local metric period: datapoints this far apart read as a sustained series, not one sample. */
const CHAOS_SPACING_MS = 10_000;

/** One series as an agent or an AWS service publishes it. */
export interface PublishedSeries {
  namespace: string;
  metric: string;
  dimensions: { Name: string; Value: string }[];
  unit: StandardUnit;
}

/** `values` ten seconds apart, the newest at `newestMs`, in as many PutMetricData calls as they need. */
export async function putSeries(
  cloudwatch: CloudWatchClient,
  series: PublishedSeries,
  values: number[],
  newestMs: number,
): Promise<void> {
  for (let from = 0; from < values.length; from += PUT_METRIC_DATA_BATCH)
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: series.namespace,
        MetricData: values.slice(from, from + PUT_METRIC_DATA_BATCH).map((value, j) => ({
          MetricName: series.metric,
          Dimensions: series.dimensions,
          Timestamp: new Date(newestMs - (values.length - 1 - (from + j)) * CHAOS_SPACING_MS),
          Value: value,
          Unit: series.unit,
        })),
      }),
    );
}

const unitOf = (metric: Ec2Metric): StandardUnit =>
  metric === 'CPUUtilization' || metric === 'ErrorRate' || metric.endsWith('_percent')
    ? 'Percent'
    : metric.startsWith('Network')
      ? 'Bytes'
      : metric === 'LatencyP99'
        ? 'Milliseconds'
        : 'Count';

/** Fault injection against the emulated (or a disposable real) fleet. */
export function createChaos(ec2: EC2Client, cloudwatch: CloudWatchClient) {
  async function stopInstance(instanceId: string): Promise<void> {
    await requireInstance(ec2, instanceId);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  }

  async function publish(
    instanceId: string,
    metric: Ec2Metric,
    values: number[],
    at = new Date(),
  ): Promise<void> {
    await requireInstance(ec2, instanceId);
    // Where each agent publishes it, as detection reads it.
    const series = {
      namespace: namespaceOf(metric),
      metric,
      dimensions: [{ Name: 'InstanceId', Value: instanceId }],
      unit: unitOf(metric),
    };
    await putSeries(cloudwatch, series, values, at.getTime());
  }

  /** `at` dates the newest datapoint: the moment the fault was observed, which may be before it is published. */
  const statusCheckFailed = (instanceId: string, at?: Date) =>
    publish(instanceId, 'StatusCheckFailed', [1, 1, 1], at);
  const cpuSpike = (instanceId: string) => publish(instanceId, 'CPUUtilization', [96, 98, 99]);
  /** `n` ten-second datapoints at a usual level with a small repeating wobble (up to +13 %). */
  const steady = (usual: number, n: number) =>
    Array.from({ length: n }, (_, i) => usual + ((i * 7) % 11) * (usual / 75));
  /**
   * Traffic surging on one instance: half an hour at its usual level (what a new traffic detector
   * learns first: its warm-up is 150 points), then the surge's last datapoints. Values are totals per
   * ten-second datapoint, as EC2 sums NetworkIn and NetworkOut and the application's agent its requests.
   */
  const surge = (
    instanceId: string,
    metric: 'NetworkIn' | 'NetworkOut' | 'RequestCount',
    usual: number,
    surged: number[],
  ) => publish(instanceId, metric, [...steady(usual, 180), ...surged]);
  /** Inbound traffic at its usual 300 kB/s, then about 10 MB/s: a scale-out in a group. */
  const trafficSurge = (instanceId: string) =>
    surge(instanceId, 'NetworkIn', 3_000_000, [100_000_000, 110_000_000, 105_000_000]);
  /** The application's requests at their usual 40 a second, then about 1 200 a second: demand, a scale-out in a group. */
  const requestSurge = (instanceId: string) =>
    surge(instanceId, 'RequestCount', 400, [12_000, 12_500, 11_800]);
  /** The running members of `instanceId`'s Auto Scaling group, itself included. */
  async function groupOf(instanceId: string): Promise<string> {
    const group = tagValue(await requireInstance(ec2, instanceId), AUTOSCALING_GROUP_TAG);
    if (!group) throw new Error(`${instanceId} is in no Auto Scaling group: nobody serves beside it`);
    return group;
  }
  async function runningGroupOf(instanceId: string): Promise<string[]> {
    const group = await groupOf(instanceId);
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${AUTOSCALING_GROUP_TAG}`, Values: [group] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId as string);
  }
  /** About 40 requests a second since half an hour ago, the newest datapoint `endedAgoMs` ago. */
  const servedUntil = (instanceId: string, endedAgoMs: number) =>
    publish(
      instanceId,
      'RequestCount',
      steady(400, 180 - endedAgoMs / 10_000),
      new Date(Date.now() - endedAgoMs),
    );
  /**
   * The application on a group member dies with its agent: every running member of its group served
   * about 40 requests a second for half an hour; the siblings still do, and this one's series ends a
   * minute ago. Returns the siblings.
   */
  async function stopServing(instanceId: string): Promise<string[]> {
    const siblings = (await runningGroupOf(instanceId)).filter((id) => id !== instanceId);
    for (const sibling of siblings) await servedUntil(sibling, 0);
    await servedUntil(instanceId, 60_000);
    return siblings;
  }
  /**
   * Every running member of `instanceId`'s group stops serving at once (a dependency they share went
   * away): each served about 40 requests a second for half an hour, and every series ends a minute ago.
   * Returns the members.
   */
  async function groupStopsServing(instanceId: string): Promise<string[]> {
    const members = await runningGroupOf(instanceId);
    for (const member of members) await servedUntil(member, 60_000);
    return members;
  }
  /**
   * An application that died with its agent `hoursAgo` hours ago: half an hour of about 40 requests a
   * second, ending then (a MANUAL incident a person answers late finds nothing newer).
   */
  const servedHoursAgo = (instanceId: string, hoursAgo: number) =>
    publish(instanceId, 'RequestCount', steady(400, 180), new Date(Date.now() - hoursAgo * 3_600_000));
  /** A member serving again after its restart: its usual requests over the last `seconds`. */
  const serving = (instanceId: string, seconds = 30) =>
    publish(
      instanceId,
      'RequestCount',
      Array.from({ length: Math.ceil(seconds / 10) }, () => 410),
    );
  /** Outbound traffic at its usual 200 kB/s, then about 12 MB/s: data leaving, a person's call. */
  const egressSurge = (instanceId: string) =>
    surge(instanceId, 'NetworkOut', 2_000_000, [120_000_000, 125_000_000, 118_000_000]);
  /** The application on the instance answers slowly: p99 latency well above the threshold. */
  const latency = (instanceId: string) => publish(instanceId, 'LatencyP99', [1800, 2200, 2600]);
  /**
   * A metric creeping up over the last 15 minutes as an agent reports it: 90 ten-second points
   * climbing `ratePerMinute` a minute from `from`, with the small repeating wobble `noise` adds.
   */
  const climbing = (
    instanceId: string,
    metric: Ec2Metric,
    from: number,
    ratePerMinute: number,
    noise: (i: number) => number,
  ) =>
    publish(
      instanceId,
      metric,
      Array.from({ length: 90 }, (_, i) => from + (ratePerMinute * i) / 6 + noise(i)),
    );
  /** A disk filling up (logs nobody rotates), as the CloudWatch agent reports its usage. */
  const diskFill = (instanceId: string, from = 60, ratePerMinute = 1.5) =>
    climbing(instanceId, 'disk_used_percent', from, ratePerMinute, (i) => ((i * 7) % 5) * 0.05);
  /** A leaking process: memory use climbing toward exhaustion. */
  const memoryLeak = (instanceId: string, from = 70, ratePerMinute = 1) =>
    climbing(instanceId, 'mem_used_percent', from, ratePerMinute, (i) => ((i * 3) % 4) * 0.05);
  /**
   * An instance too small for its work: memory nearly full and the system swapping, as the
   * CloudWatch agent reports them (what the policy's `memory_high` and `swap_high` are read from).
   */
  const memoryPressure = async (instanceId: string) => {
    await publish(instanceId, 'mem_used_percent', [94, 96, 97]);
    await publish(instanceId, 'swap_used_percent', [35, 41, 44]);
  };
  /**
   * A slowly degrading process (leaked connections, a pool running dry): the share of failing
   * requests drifting up, noisy as error rates are.
   */
  const errorDrift = (instanceId: string, from = 0.5, ratePerMinute = 0.2) =>
    climbing(instanceId, 'ErrorRate', from, ratePerMinute, (i) => ((i * 5) % 7) * 0.02);
  /** An instance nobody uses: near-zero CPU and a trickle of traffic for the last `seconds`. */
  const idle = async (instanceId: string, seconds = 120) => {
    const points = Math.ceil(seconds / 10) + 1;
    await publish(
      instanceId,
      'CPUUtilization',
      Array.from({ length: points }, (_, i) => 0.4 + (i % 3) * 0.2),
    );
    await publish(
      instanceId,
      'NetworkIn',
      Array.from({ length: points }, () => 120),
    );
    await publish(
      instanceId,
      'NetworkOut',
      Array.from({ length: points }, () => 80),
    );
  };

  /** Opens a port of the fleet's security group to the whole internet (the security agent's fault). */
  async function openPortToWorld(fleet: string, port = 22): Promise<string> {
    const out = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }] }),
    );
    const groupId = out.SecurityGroups?.[0]?.GroupId;
    if (!groupId) throw new Error(`fleet ${fleet} has no security group`);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: port,
            ToPort: port,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'chaos: open to the world' }],
          },
        ],
      }),
    );
    return groupId;
  }

  /**
   * What the instance's agent reports once a fault is gone, dated now: CPU at 21 %, a usual level. The
   * emulator runs no workload, so whoever plays the fault (the demo) plays its recovery too.
   */
  const settledCpu = (instanceId: string) => publish(instanceId, 'CPUUtilization', [21]);
  /** Light but steady use: about 10 % CPU and real traffic (busy, not idle; one size smaller would do). */
  const lightLoad = async (instanceId: string, seconds = 120) => {
    const points = Math.ceil(seconds / 10) + 1;
    await publish(
      instanceId,
      'CPUUtilization',
      Array.from({ length: points }, (_, i) => 8 + (i % 3) * 2),
    );
    await publish(
      instanceId,
      'NetworkIn',
      Array.from({ length: points }, () => 12_000_000),
    );
    await publish(
      instanceId,
      'NetworkOut',
      Array.from({ length: points }, () => 9_000_000),
    );
  };
  return {
    stopInstance,
    statusCheckFailed,
    cpuSpike,
    settledCpu,
    latency,
    trafficSurge,
    requestSurge,
    stopServing,
    groupStopsServing,
    groupOf,
    servedHoursAgo,
    serving,
    egressSurge,
    idle,
    lightLoad,
    openPortToWorld,
    diskFill,
    memoryLeak,
    memoryPressure,
    errorDrift,
  };
}

/**
 * A traffic flood as the flow logs would show it: `flows` connections from `source` to the fleet's
 * service port among ordinary traffic from a few hundred other clients, each with the server's reply
 * (AWS logs both directions), delivered as one object. Several sources share the flows in turn: one
 * IPv6 host hopping between addresses of its /64, or the /64s of a /48.
 */
export async function trafficFlood(
  s3: S3Client,
  bucket: string,
  fleet: string,
  source: string | readonly string[],
  flows = 1500,
): Promise<string> {
  const sources = typeof source === 'string' ? [source] : source;
  await createModelStore(s3, bucket).ensureBucket();
  const start = Math.floor(Date.now() / 1000);
  const server = '10.0.1.10';
  const conversation = (client: string, i: number): FlowRecord[] => {
    const ephemeral = 32768 + (i % 28000);
    const at = start - (i % 60);
    const common = { packets: 4, bytes: 240, start: at, action: 'ACCEPT' };
    return [
      { ...common, srcaddr: client, dstaddr: server, srcport: ephemeral, dstport: 80 },
      { ...common, srcaddr: server, dstaddr: client, srcport: 80, dstport: ephemeral },
    ];
  };
  const ordinary = Array.from({ length: 300 }, (_, i) => conversation(`198.51.100.${(i % 200) + 1}`, i));
  const flood = Array.from({ length: flows }, (_, i) => conversation(sources[i % sources.length] ?? '', i));
  return writeFlowLog(s3, bucket, fleet, [...ordinary.flat(), ...flood.flat()]);
}

/**
 * The flow logs of an outbound surge (what `egressSurge` shows in CloudWatch): the instance's usual
 * flows to its database and a few clients, and the last half minute's 360 MB to one address nobody
 * configured, delivered as one object of the instance's fleet. Returns that address and the key.
 */
export async function exfiltrationFlows(
  ec2: EC2Client,
  s3: S3Client,
  bucket: string,
  instanceId: string,
  /** Where the surge goes: an unknown address by default, a trusted one to see it closed unattended. */
  destination = '203.0.113.66',
): Promise<{ destination: string; key: string }> {
  const instance = await requireInstance(ec2, instanceId);
  const fleet = tagValue(instance, FLEET_TAG);
  const source = instance.PrivateIpAddress;
  if (!fleet || !source)
    throw new Error(`${instanceId} has no fleet tag or private address to log flows for`);
  await createModelStore(s3, bucket).ensureBucket();
  const start = Math.floor(Date.now() / 1000);
  const flow = (dstaddr: string, dstport: number, bytes: number, i: number): FlowRecord => ({
    srcaddr: source,
    dstaddr,
    dstport,
    packets: Math.ceil(bytes / 1400),
    bytes,
    start: start - (i % 30),
    action: 'ACCEPT',
  });
  const usual = Array.from({ length: 60 }, (_, i) =>
    i % 3 === 0 ? flow('10.0.2.9', 5432, 40_000, i) : flow(`198.51.100.${(i % 40) + 1}`, 443, 25_000, i),
  );
  const leak = Array.from({ length: 30 }, (_, i) => flow(destination, 443, 12_000_000, i));
  return { destination, key: await writeFlowLog(s3, bucket, fleet, [...usual, ...leak]) };
}
