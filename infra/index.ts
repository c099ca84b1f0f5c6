import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { HealableService, type IngressConfig } from './healable-service';

/**
 * The stack `pulumi up` deploys: one healable service. Configuration (see Pulumi.dev.yaml):
 * `fleet`, `mode`, `minSize`, `maxSize`, `desiredCapacity`, `instanceType`, `amiId` (default:
 * the latest Amazon Linux 2023), `availabilityZones`, `certificateArn`, `extraIngress` (rules beyond the shared topology's),
 * `databases` (the ones its instances use, for the root-cause ranking), and the secret
 * `alertEndpoint` (the cloud-medic API's CloudWatch route with its credentials).
 */
const config = new pulumi.Config();
const mode = config.get('mode') ?? 'auto';
if (mode !== 'auto' && mode !== 'manual')
  throw new Error(`config "mode" must be auto or manual, got "${mode}"`);

const amiId =
  config.get('amiId') ??
  aws.ec2
    .getAmiOutput({
      owners: ['amazon'],
      mostRecent: true,
      filters: [{ name: 'name', values: ['al2023-ami-2023.*-x86_64'] }],
    })
    .apply((ami) => ami.id);

const service = new HealableService('web', {
  fleet: config.get('fleet') ?? pulumi.getStack(),
  mode,
  availabilityZones: config.getObject<string[]>('availabilityZones') ?? ['us-east-1a', 'us-east-1b'],
  amiId,
  instanceType: config.get('instanceType'),
  minSize: config.getNumber('minSize') ?? 2,
  maxSize: config.getNumber('maxSize') ?? 6,
  desiredCapacity: config.getNumber('desiredCapacity') ?? 2,
  alertEndpoint: config.requireSecret('alertEndpoint'),
  certificateArn: config.get('certificateArn'),
  extraIngress: config.getObject<IngressConfig[]>('extraIngress'),
  databases: config.getObject<string[]>('databases'),
  ipv6: config.getBoolean('ipv6'),
});

/** What the worker reads (fleet tags, the group, the topic, the registry bucket). */
export const fleetTags = service.fleetTags;
export const autoScalingGroupName = service.autoScalingGroupName;
export const loadBalancerDnsName = service.loadBalancerDnsName;
export const alertTopicArn = service.alertTopicArn;
export const modelBucketName = service.modelBucketName;
export const flowLogBucketName = service.flowLogBucketName;
export const workerRoleArn = service.workerRoleArn;
