import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { DATABASES_TAG, FLEET_TAG, MODE_TAG } from '../activities/tags';
import {
  FLEET_TOPOLOGY,
  fleetResourceName,
  GROUP_ALARMS,
  ipv6SubnetCidr,
  LOAD_BALANCER_ALARMS,
} from '../domain/topology';
import { WORKER_ACTIONS } from '../domain/worker-permissions';
import { fleetFlowLogs } from './flow-logs';
import { privateBucket } from './private-bucket';

/** One ingress rule of the instances' security group, as stack configuration spells it. */
export interface IngressConfig {
  protocol: string;
  port: number;
  cidr: string;
  description?: string;
}

export interface HealableServiceArgs {
  /** The fleet name: the `medic:fleet` tag the worker's detection loop and IAM policy key on. */
  fleet: string;
  availabilityZones: string[];
  amiId: pulumi.Input<string>;
  instanceType?: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** `auto` or `manual`: the default mode of incidents on this fleet. */
  mode: 'auto' | 'manual';
  /**
   * The cloud-medic API's CloudWatch alert route, credentials included
   * (`https://medic:<token>@host/api/v1/alerts/cloudwatch`); a secret.
   */
  alertEndpoint: pulumi.Input<string>;
  /**
   * Ingress the service needs beyond the shared topology's (stack config `extraIngress`); the
   * coding agent removes an entry here when the security agent revokes the rule it made.
   */
  extraIngress?: IngressConfig[];
  /** An ACM certificate for the public HTTPS listener; without one the listener is plain HTTP on 80. */
  certificateArn?: pulumi.Input<string>;
  /**
   * The databases the service's instances use (stack config `databases`), tagged on each instance as
   * `medic:databases` so the root-cause ranking has them in the fleet's graph.
   */
  databases?: string[];
  /**
   * The public side dual-stack (stack config `ipv6`, default true): the VPC takes an AWS IPv6 block,
   * each public subnet a /64 of it, and the balancer listens on both families. IPv6 clients then show
   * in the flow logs, where the security agent can deny a flooding host's /64 (decisions 0073, 0077).
   * The instances stay IPv4-only behind the balancer.
   */
  ipv6?: boolean;
}

/**
 * A service cloud-medic can heal: VPC with public and private subnets, a load-balanced Auto Scaling
 * group, the alarms that open incidents (to SNS → the cloud-medic API), the model registry bucket,
 * and the worker's least-privilege role.
 */
export class HealableService extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly autoScalingGroupName: pulumi.Output<string>;
  readonly loadBalancerDnsName: pulumi.Output<string>;
  readonly alertTopicArn: pulumi.Output<string>;
  readonly modelBucketName: pulumi.Output<string>;
  /** Where the VPC's flow logs are delivered: the worker's `MEDIC_FLOW_LOG_BUCKET`. */
  readonly flowLogBucketName: pulumi.Output<string>;
  readonly workerRoleArn: pulumi.Output<string>;
  readonly fleetTags: Record<string, string>;

  constructor(name: string, args: HealableServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cloud-medic:index:HealableService', name, {}, opts);
    const parent = { parent: this };
    const resourceName = (part: string) => fleetResourceName(args.fleet, part);
    const tags = (part: string) => ({ Name: resourceName(part), [FLEET_TAG]: args.fleet });
    this.fleetTags = { [FLEET_TAG]: args.fleet, [MODE_TAG]: args.mode };

    // Network: public subnets for the load balancer, private ones for the instances.
    const dualStack = args.ipv6 ?? true;
    const vpc = new aws.ec2.Vpc(
      resourceName('vpc'),
      {
        cidrBlock: FLEET_TOPOLOGY.vpcCidr,
        assignGeneratedIpv6CidrBlock: dualStack,
        enableDnsHostnames: true,
        tags: tags('vpc'),
      },
      parent,
    );
    const gateway = new aws.ec2.InternetGateway(
      resourceName('igw'),
      { vpcId: vpc.id, tags: tags('igw') },
      parent,
    );
    const publicRoutes = new aws.ec2.RouteTable(
      resourceName('public-rt'),
      {
        vpcId: vpc.id,
        routes: [
          { cidrBlock: '0.0.0.0/0', gatewayId: gateway.id },
          ...(dualStack ? [{ ipv6CidrBlock: '::/0', gatewayId: gateway.id }] : []),
        ],
        tags: tags('public-rt'),
      },
      parent,
    );
    const subnets = (kind: 'public' | 'private', cidrs: readonly string[]) =>
      cidrs.map((cidrBlock, i) => {
        const subnet = new aws.ec2.Subnet(
          resourceName(`${kind}-${i + 1}`),
          {
            vpcId: vpc.id,
            cidrBlock,
            ...(dualStack && kind === 'public'
              ? { ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => ipv6SubnetCidr(block, i)) }
              : {}),
            availabilityZone: args.availabilityZones[i % args.availabilityZones.length],
            mapPublicIpOnLaunch: false,
            tags: tags(`${kind}-${i + 1}`),
          },
          parent,
        );
        if (kind === 'public')
          new aws.ec2.RouteTableAssociation(
            resourceName(`public-${i + 1}-rt`),
            {
              subnetId: subnet.id,
              routeTableId: publicRoutes.id,
            },
            parent,
          );
        return subnet;
      });
    // The VPC's network ACL, tagged with the fleet so the worker may add and remove its deny entries
    // for blocked sources (rule numbers 1-99). Pulumi keeps the allow rules but not the entries the
    // security agent adds while a block lasts, hence ignoreChanges.
    new aws.ec2.DefaultNetworkAcl(
      resourceName('nacl'),
      {
        defaultNetworkAclId: vpc.defaultNetworkAclId,
        ingress: allowEverything(dualStack),
        egress: allowEverything(dualStack),
        tags: tags('nacl'),
      },
      { ...parent, ignoreChanges: ['ingress', 'subnetIds'] },
    );
    const publicSubnets = subnets('public', FLEET_TOPOLOGY.publicSubnetCidrs);
    const privateSubnets = subnets('private', FLEET_TOPOLOGY.privateSubnetCidrs);

    // Security groups: the world reaches the load balancer's listener only; instances take the
    // shared topology's ingress (the service port from inside the VPC).
    const listenerPort = args.certificateArn ? 443 : 80;
    const lbGroup = new aws.ec2.SecurityGroup(
      resourceName('lb-sg'),
      {
        vpcId: vpc.id,
        description: 'Public listener of the load balancer',
        ingress: [
          {
            protocol: 'tcp',
            fromPort: listenerPort,
            toPort: listenerPort,
            cidrBlocks: ['0.0.0.0/0'],
            ...(dualStack ? { ipv6CidrBlocks: ['::/0'] } : {}),
            description: 'public listener',
          },
        ],
        egress: [
          {
            protocol: 'tcp',
            fromPort: FLEET_TOPOLOGY.servicePort,
            toPort: FLEET_TOPOLOGY.servicePort,
            cidrBlocks: [FLEET_TOPOLOGY.vpcCidr],
          },
        ],
        tags: tags('lb-sg'),
      },
      parent,
    );
    const instanceGroup = new aws.ec2.SecurityGroup(
      resourceName('sg'),
      {
        vpcId: vpc.id,
        description: 'Instances of the healable service',
        ingress: [...FLEET_TOPOLOGY.ingress, ...(args.extraIngress ?? [])].map((rule) => ({
          protocol: rule.protocol,
          fromPort: rule.port,
          toPort: rule.port,
          cidrBlocks: [rule.cidr],
          description: rule.description,
        })),
        egress: [
          {
            protocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ['0.0.0.0/0'],
            description: 'HTTPS out (package mirrors, AWS APIs)',
          },
        ],
        tags: tags('sg'),
      },
      parent,
    );

    const launchTemplate = new aws.ec2.LaunchTemplate(
      resourceName('lt'),
      {
        imageId: args.amiId,
        instanceType: args.instanceType ?? FLEET_TOPOLOGY.instanceType,
        vpcSecurityGroupIds: [instanceGroup.id],
        metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
        blockDeviceMappings: [
          { deviceName: '/dev/xvda', ebs: { encrypted: 'true', volumeSize: 16, volumeType: 'gp3' } },
        ],
        tagSpecifications: [
          { resourceType: 'instance', tags: { ...tags('web'), [MODE_TAG]: args.mode } },
          { resourceType: 'volume', tags: tags('web-volume') },
        ],
        tags: tags('lt'),
      },
      parent,
    );

    const loadBalancer = new aws.lb.LoadBalancer(
      resourceName('alb'),
      {
        loadBalancerType: 'application',
        ipAddressType: dualStack ? 'dualstack' : 'ipv4',
        securityGroups: [lbGroup.id],
        subnets: publicSubnets.map((s) => s.id),
        dropInvalidHeaderFields: true,
        tags: tags('alb'),
      },
      parent,
    );
    const targetGroup = new aws.lb.TargetGroup(
      resourceName('tg'),
      {
        vpcId: vpc.id,
        port: FLEET_TOPOLOGY.servicePort,
        protocol: 'HTTPS',
        healthCheck: {
          path: '/healthz',
          protocol: 'HTTPS',
          healthyThreshold: 2,
          unhealthyThreshold: 2,
          interval: 15,
        },
        tags: tags('tg'),
      },
      parent,
    );
    new aws.lb.Listener(
      resourceName('listener'),
      {
        loadBalancerArn: loadBalancer.arn,
        port: listenerPort,
        protocol: args.certificateArn ? 'HTTPS' : 'HTTP',
        certificateArn: args.certificateArn,
        defaultActions: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      },
      parent,
    );

    const group = new aws.autoscaling.Group(
      resourceName('asg'),
      {
        minSize: args.minSize,
        maxSize: args.maxSize,
        desiredCapacity: args.desiredCapacity,
        vpcZoneIdentifiers: privateSubnets.map((s) => s.id),
        targetGroupArns: [targetGroup.arn],
        healthCheckType: 'ELB',
        healthCheckGracePeriod: 120,
        launchTemplate: { id: launchTemplate.id, version: '$Latest' },
        tags: Object.entries({
          ...this.fleetTags,
          Name: resourceName('web'),
          ...(args.databases?.length ? { [DATABASES_TAG]: args.databases.join(',') } : {}),
        }).map(([key, value]) => ({
          key,
          value,
          propagateAtLaunch: true,
        })),
      },
      { ...parent, ignoreChanges: ['desiredCapacity'] },
    );

    // Alarms → SNS → the cloud-medic API, which turns each into an incident.
    const topic = new aws.sns.Topic(
      resourceName('alerts'),
      { kmsMasterKeyId: 'alias/aws/sns', tags: tags('alerts') },
      parent,
    );
    new aws.sns.TopicSubscription(
      resourceName('alerts-to-medic'),
      {
        topic: topic.arn,
        protocol: 'https',
        endpoint: args.alertEndpoint,
        endpointAutoConfirms: false,
        rawMessageDelivery: false,
      },
      parent,
    );
    type AlarmDefinition = (typeof GROUP_ALARMS)[number] | (typeof LOAD_BALANCER_ALARMS)[number];
    const alarm = (definition: AlarmDefinition, dimensions: Record<string, pulumi.Input<string>>) =>
      new aws.cloudwatch.MetricAlarm(
        resourceName(definition.name),
        {
          namespace: definition.namespace,
          metricName: definition.metric,
          ...('extendedStatistic' in definition
            ? { extendedStatistic: definition.extendedStatistic }
            : { statistic: definition.statistic }),
          comparisonOperator: definition.comparison,
          threshold: definition.threshold,
          evaluationPeriods: definition.periods,
          period: 60,
          dimensions,
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          alarmDescription: `medic_kind=${definition.incidentKind} medic_mode=${args.mode}`,
          tags: tags(definition.name),
        },
        parent,
      );
    for (const definition of GROUP_ALARMS) alarm(definition, { AutoScalingGroupName: group.name });
    for (const definition of LOAD_BALANCER_ALARMS)
      alarm(
        definition,
        'perTargetGroup' in definition
          ? { TargetGroup: targetGroup.arnSuffix, LoadBalancer: loadBalancer.arnSuffix }
          : { LoadBalancer: loadBalancer.arnSuffix },
      );

    // The model registry: versioned, KMS-encrypted, never public.
    const modelKey = new aws.kms.Key(
      resourceName('models-key'),
      {
        description: 'cloud-medic model registry',
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: tags('models-key'),
      },
      parent,
    );
    const bucket = privateBucket('models', modelKey, resourceName, tags, parent);
    new aws.s3.BucketVersioning(
      resourceName('models-versioning'),
      {
        bucket: bucket.id,
        versioningConfiguration: { status: 'Enabled' },
      },
      parent,
    );

    const flowLogs = fleetFlowLogs(args.fleet, vpc.id, resourceName, tags, parent);
    const flowLogBucket = flowLogs.bucket;

    // The worker's role: exactly the catalogue's actions, mutations only on this fleet's resources.
    const role = new aws.iam.Role(
      resourceName('worker'),
      {
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
        tags: tags('worker'),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      resourceName('worker-policy'),
      {
        role: role.id,
        policy: pulumi
          .all([bucket.arn, modelKey.arn, flowLogBucket.arn, flowLogs.key.arn])
          .apply(([bucketArn, keyArn, flowLogArn, flowLogKeyArn]) =>
            JSON.stringify(
              workerPolicyDocument(args.fleet, bucketArn, keyArn, { flowLogArn, flowLogKeyArn }),
            ),
          ),
      },
      parent,
    );

    this.vpcId = vpc.id;
    this.autoScalingGroupName = group.name;
    this.loadBalancerDnsName = loadBalancer.dnsName;
    this.alertTopicArn = topic.arn;
    this.modelBucketName = bucket.bucket;
    this.flowLogBucketName = flowLogBucket.bucket;
    this.workerRoleArn = role.arn;
    this.registerOutputs({
      vpcId: this.vpcId,
      autoScalingGroupName: this.autoScalingGroupName,
      loadBalancerDnsName: this.loadBalancerDnsName,
      alertTopicArn: this.alertTopicArn,
      modelBucketName: this.modelBucketName,
      flowLogBucketName: this.flowLogBucketName,
      workerRoleArn: this.workerRoleArn,
    });
  }
}

export function workerPolicyDocument(
  fleet: string,
  bucketArn: string,
  keyArn: string,
  { flowLogArn, flowLogKeyArn }: { flowLogArn: string; flowLogKeyArn: string },
) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadFleet', Effect: 'Allow', Action: [...WORKER_ACTIONS.ec2Read], Resource: '*' },
      {
        Sid: 'RemediateOwnFleet',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.ec2Write],
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/${FLEET_TAG}`]: fleet } },
      },
      { Sid: 'ReadMetrics', Effect: 'Allow', Action: [...WORKER_ACTIONS.cloudwatch], Resource: '*' },
      { Sid: 'ReadGroups', Effect: 'Allow', Action: [...WORKER_ACTIONS.autoscalingRead], Resource: '*' },
      {
        Sid: 'ScaleOwnGroups',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.autoscalingWrite],
        Resource: '*',
        Condition: { StringEquals: { [`autoscaling:ResourceTag/${FLEET_TAG}`]: fleet } },
      },
      {
        Sid: 'CreateOwnGroups',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.autoscalingCreate],
        Resource: '*',
        Condition: { StringEquals: { [`aws:RequestTag/${FLEET_TAG}`]: fleet } },
      },
      { Sid: 'ReadLoadBalancers', Effect: 'Allow', Action: [...WORKER_ACTIONS.elbRead], Resource: '*' },
      { Sid: 'ReleaseTraffic', Effect: 'Allow', Action: [...WORKER_ACTIONS.elbWrite], Resource: '*' },
      {
        Sid: 'ModelRegistry',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.s3],
        Resource: [bucketArn, `${bucketArn}/*`],
      },
      {
        Sid: 'EndMaintenance',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.maintenanceEnd],
        Resource: `${bucketArn}/maintenance/*`,
      },
      {
        Sid: 'ReadFlowLogs',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.flowLogs],
        Resource: [flowLogArn, `${flowLogArn}/*`],
      },
      {
        Sid: 'ComplianceScan',
        Effect: 'Allow',
        Action: [...WORKER_ACTIONS.s3Compliance],
        Resource: '*',
      },
      {
        Sid: 'ModelRegistryKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: keyArn,
      },
      { Sid: 'ReadFlowLogsKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: flowLogKeyArn },
    ],
  };
}

/**
 * The VPC network ACL's allow rules, at 100 (IPv4) and 101 (IPv6): above the security agent's deny
 * range (1–99), so a deny always wins. A default ACL managed by Pulumi keeps only the rules listed,
 * so a dual-stack VPC without the IPv6 one would drop every IPv6 packet.
 */
function allowEverything(dualStack: boolean) {
  const rule = { action: 'allow', protocol: '-1', fromPort: 0, toPort: 0 };
  return [
    { ...rule, ruleNo: 100, cidrBlock: '0.0.0.0/0' },
    ...(dualStack ? [{ ...rule, ruleNo: 101, ipv6CidrBlock: '::/0' }] : []),
  ];
}
