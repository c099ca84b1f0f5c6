import type { IncidentKind } from './incident';
import { formatRange, parseRange } from './ip-address';

/**
 * The shape of a healable fleet, in one place: the emulated fleet (`medic fleet create`) and the
 * Pulumi program (`infra/`) are both built from it, so the two cannot drift apart.
 */
export const FLEET_TOPOLOGY = {
  vpcCidr: '10.42.0.0/16',
  /** The emulated fleet's one subnet, and the first private subnet of the Pulumi fleet. */
  subnetCidr: '10.42.1.0/24',
  privateSubnetCidrs: ['10.42.1.0/24', '10.42.3.0/24'],
  publicSubnetCidrs: ['10.42.0.0/24', '10.42.2.0/24'],
  instanceType: 't3.micro',
  /** Ingress the service's instances need; nothing sensitive is open to the world. */
  ingress: [{ protocol: 'tcp', port: 443, cidr: '10.42.0.0/16', description: 'HTTPS inside the VPC' }],
  /** The service port behind the load balancer. */
  servicePort: 443,
} as const;

/** An alarm the fleet's program defines; its kind must be one the incident workflow heals. */
interface AlarmDefinition {
  name: string;
  namespace: string;
  metric: string;
  statistic?: string;
  extendedStatistic?: string;
  comparison: string;
  threshold: number;
  periods: number;
  /** The metric is reported per target group behind the balancer (its dimensions name both). */
  perTargetGroup?: boolean;
  incidentKind: IncidentKind;
}

/**
 * The CloudWatch alarms every instance group gets, wired to the SNS topic the cloud-medic API
 * subscribes to. `incidentKind` is what the alert becomes.
 */
export const GROUP_ALARMS = [
  {
    name: 'status-check',
    namespace: 'AWS/EC2',
    metric: 'StatusCheckFailed',
    statistic: 'Maximum',
    comparison: 'GreaterThanOrEqualToThreshold',
    threshold: 1,
    periods: 2,
    incidentKind: 'status-check-failed',
  },
  {
    name: 'cpu-high',
    namespace: 'AWS/EC2',
    metric: 'CPUUtilization',
    statistic: 'Average',
    comparison: 'GreaterThanThreshold',
    threshold: 90,
    periods: 3,
    incidentKind: 'cpu-high',
  },
] as const satisfies readonly AlarmDefinition[];

export const LOAD_BALANCER_ALARMS = [
  {
    name: 'latency-p99',
    namespace: 'AWS/ApplicationELB',
    metric: 'TargetResponseTime',
    extendedStatistic: 'p99',
    comparison: 'GreaterThanThreshold',
    threshold: 1,
    periods: 3,
    incidentKind: 'latency-high',
  },
  {
    name: 'target-5xx',
    namespace: 'AWS/ApplicationELB',
    metric: 'HTTPCode_Target_5XX_Count',
    statistic: 'Sum',
    comparison: 'GreaterThanThreshold',
    threshold: 10,
    periods: 2,
    // The members whose own error rate is failing get error-rate-rising incidents (decision 0061).
    incidentKind: 'error-rate-rising',
  },
  {
    name: 'unhealthy-hosts',
    namespace: 'AWS/ApplicationELB',
    metric: 'UnHealthyHostCount',
    statistic: 'Maximum',
    comparison: 'GreaterThanOrEqualToThreshold',
    threshold: 1,
    // Two minutes: one failed check during a member's boot is not an alarm.
    periods: 2,
    perTargetGroup: true,
    // The members whose requests stopped get not-serving; all of them, a person's call (0066, 0067).
    incidentKind: 'not-serving',
  },
] as const satisfies readonly AlarmDefinition[];

export function fleetResourceName(fleet: string, part: string): string {
  return `medic-${fleet}-${part}`;
}

/**
 * The `index`th /64 of a VPC's IPv6 block (AWS assigns a /56, so 256 of them): each dual-stack
 * subnet gets one, as AWS requires.
 */
export function ipv6SubnetCidr(vpcIpv6Cidr: string, index: number): string {
  const vpc = parseRange(vpcIpv6Cidr);
  if (!vpc || vpc.family !== 6 || vpc.bits > 64)
    throw new Error(`${vpcIpv6Cidr} is not an IPv6 block with room for /64 subnets`);
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** (64 - vpc.bits))
    throw new Error(`${vpcIpv6Cidr} has no /64 number ${index}`);
  return formatRange({ family: 6, base: vpc.base + (BigInt(index) << 64n), bits: 64 });
}
