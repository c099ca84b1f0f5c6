import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  type EC2Client,
  type Filter,
  type Instance,
} from '@aws-sdk/client-ec2';
import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { FLEET_TOPOLOGY, fleetResourceName } from '../domain/topology';
import type { AwsClients } from './aws-clients';
import { findInstance, stateOf, tagValue } from './instances';
import { FLEET_TAG, LAUNCH_TEMPLATE_TAG, MODE_TAG } from './tags';

export interface FleetSpec {
  fleet: string;
  size: number;
  /** The last `manualCount` instances get `medic:mode=manual`. */
  manualCount: number;
  /** Required for real AWS; the emulator offers any image. */
  imageId?: string;
}

export interface FleetSummary {
  fleet: string;
  vpcId: string;
  subnetId: string;
  securityGroupId: string;
  launchTemplateId: string;
  instances: FleetMember[];
}

const fleetTags = (fleet: string, name: string) => [
  { Key: FLEET_TAG, Value: fleet },
  { Key: 'Name', Value: name },
];

async function ensureVpc(ec2: EC2Client, fleet: string): Promise<string> {
  const found = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }] }),
  );
  const existing = found.Vpcs?.[0]?.VpcId;
  if (existing) return existing;
  const created = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: FLEET_TOPOLOGY.vpcCidr,
      TagSpecifications: [{ ResourceType: 'vpc', Tags: fleetTags(fleet, fleetResourceName(fleet, 'vpc')) }],
    }),
  );
  return created.Vpc?.VpcId as string;
}

async function ensureSubnet(ec2: EC2Client, fleet: string, vpcId: string): Promise<string> {
  const found = await ec2.send(
    new DescribeSubnetsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: `tag:${FLEET_TAG}`, Values: [fleet] },
      ],
    }),
  );
  const existing = found.Subnets?.[0]?.SubnetId;
  if (existing) return existing;
  const created = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpcId,
      CidrBlock: FLEET_TOPOLOGY.subnetCidr,
      TagSpecifications: [
        { ResourceType: 'subnet', Tags: fleetTags(fleet, fleetResourceName(fleet, 'subnet')) },
      ],
    }),
  );
  return created.Subnet?.SubnetId as string;
}

async function ensureSecurityGroup(ec2: EC2Client, fleet: string, vpcId: string): Promise<string> {
  const name = fleetResourceName(fleet, 'sg');
  const found = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [name] },
      ],
    }),
  );
  const existing = found.SecurityGroups?.[0]?.GroupId;
  if (existing) return existing;
  const created = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: `cloud-medic fleet ${fleet}`,
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: fleetTags(fleet, name) }],
    }),
  );
  const groupId = created.GroupId as string;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: FLEET_TOPOLOGY.ingress.map((rule) => ({
        IpProtocol: rule.protocol,
        FromPort: rule.port,
        ToPort: rule.port,
        IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }],
      })),
    }),
  );
  return groupId;
}

async function ensureLaunchTemplate(
  ec2: EC2Client,
  fleet: string,
  securityGroupId: string,
  imageId?: string,
): Promise<string> {
  const name = fleetResourceName(fleet, 'lt');
  try {
    const found = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] }));
    const existing = found.LaunchTemplates?.[0]?.LaunchTemplateId;
    if (existing) return existing;
  } catch (err) {
    if (!String((err as { name?: string }).name).includes('NotFound')) throw err;
  }
  const image =
    imageId ??
    (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }))).Images?.[0]?.ImageId;
  if (!image) throw new Error('No machine image available: pass --ami');
  const created = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: {
        ImageId: image,
        InstanceType: FLEET_TOPOLOGY.instanceType,
        SecurityGroupIds: [securityGroupId],
      },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: fleetTags(fleet, name) }],
    }),
  );
  return created.LaunchTemplate?.LaunchTemplateId as string;
}

/** Every instance of a fleet that is not terminated (or terminating), all pages. */
export function listFleetInstances(
  ec2: EC2Client,
  fleet: string,
  /** Terminated and shutting-down members too (AWS keeps them visible for about an hour). */
  includeTerminated = false,
): Promise<Instance[]> {
  return listTagged(ec2, { Name: `tag:${FLEET_TAG}`, Values: [fleet] }, includeTerminated);
}

/** How many instances a fleet lists now (not terminated): what a monitor of an empty fleet is told. */
export const fleetSizeReader =
  (ec2: EC2Client) =>
  async (fleet: string): Promise<number> =>
    (await listFleetInstances(ec2, fleet)).length;

/** Every fleet's instances that are not terminated: any instance carrying the fleet tag. */
/**
 * The fleet an instance's tag puts it in; undefined for an instance in none, or none at all. A failed
 * read is none too: an alert then opens its incident rather than being lost to a maintenance window.
 */
export const instanceFleetReader =
  (ec2: EC2Client) =>
  async (instanceId: string): Promise<string | undefined> => {
    const instance = await findInstance(ec2, instanceId).catch(() => undefined);
    return instance ? tagValue(instance, FLEET_TAG) : undefined;
  };

export function listEveryFleetsInstances(ec2: EC2Client): Promise<Instance[]> {
  return listTagged(ec2, { Name: 'tag-key', Values: [FLEET_TAG] }, false);
}

async function listTagged(
  ec2: EC2Client,
  tagFilter: Filter,
  includeTerminated: boolean,
): Promise<Instance[]> {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          tagFilter,
          {
            Name: 'instance-state-name',
            Values: [
              'pending',
              'running',
              'stopping',
              'stopped',
              ...(includeTerminated ? ['shutting-down', 'terminated'] : []),
            ],
          },
        ],
        NextToken: nextToken,
      }),
    );
    instances.push(...(out.Reservations ?? []).flatMap((r) => r.Instances ?? []));
    nextToken = out.NextToken;
  } while (nextToken);
  return instances;
}

export interface FleetMember {
  fleet: string;
  instanceId: string;
  state: string;
  mode: string;
}

/** How an operator sees one fleet instance: its fleet, id, state and the mode its tag asks for. */
export function fleetMember(instance: Instance): FleetMember {
  return {
    fleet: tagValue(instance, FLEET_TAG) ?? '',
    instanceId: instance.InstanceId as string,
    state: stateOf(instance),
    mode: tagValue(instance, MODE_TAG) ?? 'auto',
  };
}

/** Publishes a normal recent history for each instance, as a CloudWatch agent would have. */
export async function publishBaselineMetrics(
  cloudwatch: CloudWatchClient,
  instanceIds: string[],
  minutes = 30,
): Promise<void> {
  const end = Date.now() - 120_000;
  for (const instanceId of instanceIds) {
    const data: MetricDatum[] = [];
    for (let m = 0; m < minutes; m++) {
      const at = new Date(end - m * 60_000);
      const dims = [{ Name: 'InstanceId', Value: instanceId }];
      data.push({
        MetricName: 'CPUUtilization',
        Dimensions: dims,
        Timestamp: at,
        Value: 15 + ((m * 7) % 20),
        Unit: 'Percent',
      });
      data.push({
        MetricName: 'StatusCheckFailed',
        Dimensions: dims,
        Timestamp: at,
        Value: 0,
        Unit: 'Count',
      });
    }
    for (let i = 0; i < data.length; i += 500) {
      await cloudwatch.send(
        new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: data.slice(i, i + 500) }),
      );
    }
  }
}

/** Creates (or completes) a fleet; running it twice with the same spec changes nothing. */
export async function createFleet(
  aws: AwsClients,
  spec: FleetSpec,
  progress: (msg: string) => void = () => {},
): Promise<FleetSummary> {
  const { ec2 } = aws;
  const vpcId = await ensureVpc(ec2, spec.fleet);
  const subnetId = await ensureSubnet(ec2, spec.fleet, vpcId);
  const securityGroupId = await ensureSecurityGroup(ec2, spec.fleet, vpcId);
  const launchTemplateId = await ensureLaunchTemplate(ec2, spec.fleet, securityGroupId, spec.imageId);
  progress(`network ready: ${vpcId}, ${subnetId}, ${securityGroupId}; launch template ${launchTemplateId}`);

  const existing = await listFleetInstances(ec2, spec.fleet);
  const launched: string[] = [];
  for (let index = existing.length; index < spec.size; index++) {
    const mode = index >= spec.size - spec.manualCount ? 'manual' : 'auto';
    const out = await ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetId,
        LaunchTemplate: { LaunchTemplateId: launchTemplateId },
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              ...fleetTags(spec.fleet, fleetResourceName(spec.fleet, `web-${index + 1}`)),
              { Key: LAUNCH_TEMPLATE_TAG, Value: launchTemplateId },
              { Key: MODE_TAG, Value: mode },
            ],
          },
        ],
      }),
    );
    const id = out.Instances?.[0]?.InstanceId as string;
    launched.push(id);
    progress(`launched ${id} (${index + 1}/${spec.size}, mode ${mode})`);
  }
  if (launched.length) await publishBaselineMetrics(aws.cloudwatch, launched);
  const instances = (await listFleetInstances(ec2, spec.fleet)).map(fleetMember);
  return { fleet: spec.fleet, vpcId, subnetId, securityGroupId, launchTemplateId, instances };
}
