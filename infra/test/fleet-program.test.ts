import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASES_TAG, FLEET_TAG, MODE_TAG } from '../../activities/tags';
import { BLOCK_RULES } from '../../domain/network-block';
import { FLEET_TOPOLOGY, GROUP_ALARMS, LOAD_BALANCER_ALARMS } from '../../domain/topology';
import { iamActionFor, OPERATOR_ONLY_SOURCES, WORKER_ACTIONS } from '../../domain/worker-permissions';
import {
  publicBuckets,
  sensitivePortsOpenToWorld,
  unencryptedStorage,
  wildcardActions,
  type RegisteredResource,
} from '../policies';
import { mockPulumi, settled, valueOf } from './mocks';
import { specialSecretSig, specialSigKey } from '@pulumi/pulumi/runtime/rpc';

const resources = mockPulumi(
  {
    'cloud-medic-fleet:fleet': 'shop',
    'cloud-medic-fleet:mode': 'manual',
    'cloud-medic-fleet:databases': '["orders-db","sessions-cache"]',
    'cloud-medic-fleet:alertEndpoint': 'https://medic:s3cret@medic.example.com/api/v1/alerts/cloudwatch',
  },
  ['cloud-medic-fleet:alertEndpoint'],
);

type Program = typeof import('../index');
let program: Program;

beforeAll(async () => {
  program = await import('../index');
  await Promise.all([
    valueOf(program.workerRoleArn),
    valueOf(program.autoScalingGroupName),
    valueOf(program.modelBucketName),
  ]);
  await settled(resources);
});

/** How the Pulumi SDK marks a secret value in resource inputs. */
const SECRET_SIGNATURE = specialSigKey;
const SECRET_MARKER = specialSecretSig;

const ofType = (type: string) => resources.filter((r) => r.type === type);

describe('the fleet program (infra/index.ts)', () => {
  test('builds the topology the emulated fleet is built from', () => {
    expect(ofType('aws:ec2/vpc:Vpc').map((v) => v.inputs.cidrBlock)).toEqual([FLEET_TOPOLOGY.vpcCidr]);
    const subnets = ofType('aws:ec2/subnet:Subnet').map((s) => s.inputs.cidrBlock);
    expect(subnets).toEqual(
      expect.arrayContaining([...FLEET_TOPOLOGY.privateSubnetCidrs, ...FLEET_TOPOLOGY.publicSubnetCidrs]),
    );
    expect(FLEET_TOPOLOGY.privateSubnetCidrs).toContain(FLEET_TOPOLOGY.subnetCidr);
    const instanceGroup = resources.find((r) => r.name === 'medic-shop-sg');
    expect(instanceGroup?.inputs.ingress).toEqual(
      FLEET_TOPOLOGY.ingress.map((r): unknown =>
        expect.objectContaining({ fromPort: r.port, toPort: r.port, cidrBlocks: [r.cidr] }),
      ),
    );
  });

  test('the public side is dual-stack: IPv6 clients reach the balancer, and the ACL lets them in until a deny', async () => {
    const [vpc] = ofType('aws:ec2/vpc:Vpc');
    expect(vpc?.inputs.assignGeneratedIpv6CidrBlock).toBe(true);
    const subnets = ofType('aws:ec2/subnet:Subnet');
    const publicBlocks = subnets
      .filter((s) => (FLEET_TOPOLOGY.publicSubnetCidrs as readonly unknown[]).includes(s.inputs.cidrBlock))
      .map((s) => s.inputs.ipv6CidrBlock);
    // One /64 each, distinct, inside the /56 AWS gave the VPC; the instances' subnets stay IPv4.
    expect(publicBlocks).toEqual(['2600:1f18:4b2:ce00::/64', '2600:1f18:4b2:ce01::/64']);
    const privateBlocks = subnets
      .filter((s) => (FLEET_TOPOLOGY.privateSubnetCidrs as readonly unknown[]).includes(s.inputs.cidrBlock))
      .map((s) => s.inputs.ipv6CidrBlock);
    expect(privateBlocks).toEqual([undefined, undefined]);
    const [routes] = ofType('aws:ec2/routeTable:RouteTable');
    expect(routes?.inputs.routes).toEqual(
      expect.arrayContaining([expect.objectContaining({ ipv6CidrBlock: '::/0' })]),
    );
    // Both families allowed above the security agent's deny rules (1-99), so its denies win.
    const [acl] = ofType('aws:ec2/defaultNetworkAcl:DefaultNetworkAcl');
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = acl?.inputs[direction] as {
        ruleNo: number;
        cidrBlock?: string;
        ipv6CidrBlock?: string;
      }[];
      expect(rules.map((r) => [r.ruleNo, r.cidrBlock ?? r.ipv6CidrBlock])).toEqual([
        [100, '0.0.0.0/0'],
        [101, '::/0'],
      ]);
      expect(Math.min(...rules.map((r) => r.ruleNo))).toBeGreaterThan(BLOCK_RULES.last);
    }
    const [balancer] = ofType('aws:lb/loadBalancer:LoadBalancer');
    expect(balancer?.inputs.ipAddressType).toBe('dualstack');
    const listener = resources.find((r) => r.name === 'medic-shop-lb-sg');
    expect(listener?.inputs.ingress).toEqual([
      expect.objectContaining({
        fromPort: 80,
        toPort: 80,
        cidrBlocks: ['0.0.0.0/0'],
        ipv6CidrBlocks: ['::/0'],
      }),
    ]);
  });

  test('tags the group with the fleet and mode the worker reads, and exports them', async () => {
    const [group] = ofType('aws:autoscaling/group:Group');
    expect(group?.inputs.tags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: FLEET_TAG, value: 'shop', propagateAtLaunch: true }),
        expect.objectContaining({ key: MODE_TAG, value: 'manual', propagateAtLaunch: true }),
        // What the root-cause ranking reads as the databases each instance depends on.
        expect.objectContaining({
          key: DATABASES_TAG,
          value: 'orders-db,sessions-cache',
          propagateAtLaunch: true,
        }),
      ]),
    );
    expect(program.fleetTags).toEqual({ [FLEET_TAG]: 'shop', [MODE_TAG]: 'manual' });
    expect(await valueOf(program.alertTopicArn)).toMatch(/^arn:aws:sns:/);
  });

  test('has every alarm for every instance group and load balancer, all sent to the alert topic', () => {
    const alarms = ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
    const topic = ofType('aws:sns/topic:Topic')[0];
    for (const group of ofType('aws:autoscaling/group:Group'))
      for (const a of GROUP_ALARMS)
        expect(alarms).toContainEqual(
          expect.objectContaining({
            inputs: expect.objectContaining({
              metricName: a.metric,
              dimensions: { AutoScalingGroupName: group.name },
              alarmActions: [expect.stringContaining(topic?.name ?? '?')],
            }) as unknown,
          }),
        );
    for (const a of LOAD_BALANCER_ALARMS) expect(alarms.map((x) => x.inputs.metricName)).toContain(a.metric);
    // UnHealthyHostCount exists only per target group: an alarm on the balancer alone would never fire.
    const unhealthy = alarms.find((x) => x.inputs.metricName === 'UnHealthyHostCount');
    expect(Object.keys((unhealthy?.inputs.dimensions ?? {}) as Record<string, unknown>).sort()).toEqual([
      'LoadBalancer',
      'TargetGroup',
    ]);
    expect(unhealthy?.inputs.alarmDescription).toMatch(/^medic_kind=not-serving /);
  });

  test('subscribes the cloud-medic API to the alerts over HTTPS', () => {
    const [subscription] = ofType('aws:sns/topicSubscription:TopicSubscription');
    expect(subscription?.inputs.protocol).toBe('https');
    // The endpoint carries the API's credentials: it must reach the engine as a secret.
    const endpoint = subscription?.inputs.endpoint as Record<string, unknown>;
    expect(endpoint[SECRET_SIGNATURE]).toBe(SECRET_MARKER);
    expect(endpoint.value).toMatch(/^https:\/\/.*\/api\/v1\/alerts\/cloudwatch$/);
  });

  test("delivers the VPC's flow logs where the worker reads them, private, encrypted, expiring", async () => {
    const [flowLog] = ofType('aws:ec2/flowLog:FlowLog');
    const bucketName = await valueOf(program.flowLogBucketName);
    expect(flowLog?.inputs).toMatchObject({
      trafficType: 'ALL',
      logDestinationType: 's3',
      logDestination: `arn:aws:s3:us-east-1:123456789012:${bucketName}/flow-logs/shop/`,
      maxAggregationInterval: 60,
      vpcId: `${ofType('aws:ec2/vpc:Vpc')[0]?.name ?? ''}_id`,
    });
    const [delivery] = ofType('aws:s3/bucketPolicy:BucketPolicy');
    const statements = (JSON.parse(String(delivery?.inputs.policy)) as { Statement: { Resource: string }[] })
      .Statement;
    expect(statements[0]?.Resource).toBe(
      `arn:aws:s3:us-east-1:123456789012:${bucketName}/flow-logs/shop/AWSLogs/123456789012/*`,
    );
    const expiry = ofType('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration')[0];
    expect(expiry?.inputs.rules).toEqual([
      expect.objectContaining({ filter: { prefix: 'flow-logs/shop/' }, expiration: { days: 30 } }),
    ]);
    // The worker may read them, and only read them.
    const policy = JSON.parse(String(ofType('aws:iam/rolePolicy:RolePolicy')[0]?.inputs.policy)) as {
      Statement: { Sid: string; Action: string[]; Resource: string[] }[];
    };
    expect(policy.Statement.find((st) => st.Sid === 'ReadFlowLogs')).toEqual({
      Sid: 'ReadFlowLogs',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [
        `arn:aws:s3:us-east-1:123456789012:${bucketName}`,
        `arn:aws:s3:us-east-1:123456789012:${bucketName}/*`,
      ],
    });
  });

  describe('policies', () => {
    test('no sensitive port is open to the world', () =>
      expect(sensitivePortsOpenToWorld(resources)).toEqual([]));
    test('storage and the topic are encrypted', () => expect(unencryptedStorage(resources)).toEqual([]));
    test('the model registry blocks public access and keeps versions', () => {
      expect(publicBuckets(resources)).toEqual([]);
      expect(ofType('aws:s3/bucketVersioning:BucketVersioning')[0]?.inputs.versioningConfiguration).toEqual({
        status: 'Enabled',
      });
    });
    test('the worker policy has no wildcard action', () => expect(wildcardActions(resources)).toEqual([]));

    test('each check finds the violation it is for', () => {
      const bad: RegisteredResource[] = [
        {
          type: 'aws:ec2/securityGroup:SecurityGroup',
          name: 'sg',
          inputs: { ingress: [{ protocol: 'tcp', fromPort: 20, toPort: 25, cidrBlocks: ['0.0.0.0/0'] }] },
        },
        {
          type: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
          name: 'rdp',
          inputs: { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv6: '::/0' },
        },
        { type: 'aws:s3/bucket:Bucket', name: 'b', inputs: {} },
        {
          type: 'aws:ec2/launchTemplate:LaunchTemplate',
          name: 'lt',
          inputs: { blockDeviceMappings: [{ ebs: { encrypted: 'false' } }] },
        },
        {
          type: 'aws:iam/rolePolicy:RolePolicy',
          name: 'p',
          inputs: { policy: JSON.stringify({ Statement: [{ Action: ['ec2:*'] }] }) },
        },
      ];
      expect(sensitivePortsOpenToWorld(bad)).toHaveLength(2);
      expect(unencryptedStorage(bad)).toHaveLength(2);
      expect(publicBuckets(bad)).toHaveLength(1);
      expect(wildcardActions(bad)).toEqual(['p: wildcard action ec2:*']);
    });
  });

  test("the worker's IAM actions are exactly the AWS calls its activities make", () => {
    const dir = join(__dirname, '..', '..', 'activities');
    const services: Record<string, 'ec2' | 'cloudwatch' | 'autoscaling' | 's3' | 'elasticloadbalancing'> = {
      '@aws-sdk/client-ec2': 'ec2',
      '@aws-sdk/client-cloudwatch': 'cloudwatch',
      '@aws-sdk/client-auto-scaling': 'autoscaling',
      '@aws-sdk/client-s3': 's3',
      '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
    };
    const called = new Set<string>();
    for (const file of readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !(OPERATOR_ONLY_SOURCES as readonly string[]).includes(f),
    )) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, names, pkg] of source.matchAll(
        /import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
      )) {
        const service = services[pkg ?? ''];
        if (!service) continue;
        for (const name of (names ?? '').split(',').map((n) => n.trim()))
          if (/^[A-Z]\w*Command$/.test(name) && source.includes(`new ${name}(`))
            called.add(iamActionFor(service, name));
      }
    }
    // An action may be granted on more than one resource (s3:GetObject on two buckets): compare the set.
    const granted = [...new Set(Object.values(WORKER_ACTIONS).flat())];
    expect([...called].sort()).toEqual([...granted].sort());
    const policy = ofType('aws:iam/rolePolicy:RolePolicy')[0];
    const statements = (JSON.parse(String(policy?.inputs.policy)) as { Statement: { Action: string[] }[] })
      .Statement;
    const inPolicy = [...new Set(statements.flatMap((s) => s.Action).filter((a) => !a.startsWith('kms:')))];
    expect(inPolicy.sort()).toEqual([...granted].sort());
  });
});
