/**
 * The AWS actions the worker's activities call, by service: the worker's IAM policy (infra/) grants
 * exactly these, and a test derives the list from the activity sources so neither can drift. Chaos
 * injection and fleet creation are operator tools (the CLI) and are not granted to the worker.
 */
export const WORKER_ACTIONS = {
  /** Read-only; EC2 describe calls cannot be scoped to resources. */
  ec2Read: [
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeInstances',
    'ec2:DescribeFlowLogs',
    'ec2:DescribeNetworkAcls',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSnapshots',
    'ec2:DescribeSubnets',
    'ec2:DescribeVolumes',
    'ec2:DescribeVpcs',
  ],
  /** Mutating; allowed only on resources tagged with the fleet. */
  ec2Write: [
    'ec2:AttachVolume',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:CreateFlowLogs',
    'ec2:CreateNetworkAclEntry',
    'ec2:CreateSecurityGroup',
    'ec2:CreateSnapshot',
    'ec2:CreateTags',
    'ec2:CreateVolume',
    'ec2:DeleteNetworkAclEntry',
    'ec2:DeleteTags',
    'ec2:DetachVolume',
    'ec2:ModifyInstanceAttribute',
    'ec2:ModifyVolume',
    'ec2:RebootInstances',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RunInstances',
    'ec2:StartInstances',
    'ec2:StopInstances',
    'ec2:TerminateInstances',
  ],
  cloudwatch: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
  /** The scaling agent; SetDesiredCapacity only on fleet-tagged groups. */
  autoscalingRead: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances'],
  autoscalingWrite: [
    'autoscaling:AttachInstances',
    'autoscaling:DeleteAutoScalingGroup',
    'autoscaling:DetachInstances',
    'autoscaling:SetDesiredCapacity',
    'autoscaling:TerminateInstanceInAutoScalingGroup',
    'autoscaling:UpdateAutoScalingGroup',
  ],
  /** The delivery agent's green groups; only with the fleet tag on the request. */
  autoscalingCreate: ['autoscaling:CreateAutoScalingGroup'],
  /**
   * The delivery agent: find the listener in front of a group, make and switch target groups. Root
   * cause: the load balancers in front of the fleet's instances, registered by a group or by hand.
   * An alarm on a load balancer: the instances behind it (decision 0061).
   */
  elbRead: [
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeTargetHealth',
  ],
  elbWrite: [
    'elasticloadbalancing:CreateTargetGroup',
    'elasticloadbalancing:DeleteTargetGroup',
    'elasticloadbalancing:ModifyListener',
  ],
  /** The model registry bucket only. */
  s3: ['s3:CreateBucket', 's3:GetObject', 's3:ListBucket', 's3:PutBucketVersioning', 's3:PutObject'],
  /** Ending a maintenance window early (the API, decision 0064): only objects under `maintenance/`. */
  maintenanceEnd: ['s3:DeleteObject'],
  /** The fleet's flow-log bucket, read only: the flood scan and outbound-surge diagnoses (decision 0062). */
  flowLogs: ['s3:GetObject', 's3:ListBucket'],
  /**
   * The compliance scan reads every fleet-tagged bucket's settings (bucket-level reads cannot be
   * scoped by tag, so they are granted on all buckets) and, once approved, turns on default
   * encryption and the public access block; it never reads or writes objects.
   */
  s3Compliance: [
    's3:GetBucketAcl',
    's3:GetBucketLogging',
    's3:GetBucketPublicAccessBlock',
    's3:GetBucketTagging',
    's3:GetEncryptionConfiguration',
    's3:ListAllMyBuckets',
    's3:PutBucketPublicAccessBlock',
    's3:PutEncryptionConfiguration',
  ],
} as const;

/** Activity source files that belong to operator tools, not to the worker. */
export const OPERATOR_ONLY_SOURCES = [
  'chaos.ts',
  'balancer-chaos.ts',
  'fleet.ts',
  'fleet-balancer.ts',
] as const;

/** The IAM action an AWS SDK v3 command needs (S3 names differ from their commands in a few cases). */
export function iamActionFor(
  service: 'ec2' | 'cloudwatch' | 'autoscaling' | 's3' | 'elasticloadbalancing',
  command: string,
): string {
  const operation = command.replace(/Command$/, '');
  const s3Names: Record<string, string> = {
    ListObjectsV2: 'ListBucket',
    ListBuckets: 'ListAllMyBuckets',
    GetBucketEncryption: 'GetEncryptionConfiguration',
    PutBucketEncryption: 'PutEncryptionConfiguration',
    GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
    PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  };
  if (service === 's3' && s3Names[operation]) return `s3:${s3Names[operation]}`;
  return `${service}:${operation}`;
}
