import type { RemediationAction } from './incident';
import type { Agent } from './agents';

/**
 * The action catalogue as data: what each action is for, when it may run, the AWS calls it makes,
 * how success is verified, and what undoes it. The planners choose among these, the worker's IAM
 * policy must cover their calls, and `GET /api/v1/catalogue` shows them (a test keeps all three
 * in step).
 */
export interface CatalogueEntry {
  action: RemediationAction;
  agent: Agent;
  /** The activity that carries it out. */
  activity: string;
  preconditions: string;
  awsCalls: string[];
  verification: string;
  /** The action that undoes it (the saga's compensation), or why there is none. */
  compensation: RemediationAction | { none: string };
  /** Counts against the destructive-actions-per-hour budget. */
  destructive: boolean;
}

export const CATALOGUE: CatalogueEntry[] = [
  {
    action: 'start-instance',
    agent: 'self-healing',
    activity: 'startInstance',
    preconditions: 'The instance exists, is not terminated, and is stopped or stopping.',
    awsCalls: ['ec2:DescribeInstances', 'ec2:StartInstances'],
    verification:
      'Running, status checks not impaired, no failing datapoint since the action (twice in a row).',
    compensation: {
      none: 'Starting restores the intended state; stopping it again would recreate the fault.',
    },
    destructive: false,
  },
  {
    action: 'reboot-instance',
    agent: 'self-healing',
    activity: 'rebootInstance',
    preconditions: 'The instance is running.',
    awsCalls: ['ec2:DescribeInstances', 'ec2:CreateTags', 'ec2:RebootInstances'],
    verification:
      'Running, status checks not impaired, no failing datapoint (and CPU below the threshold for cpu-high) since the action.',
    compensation: { none: 'A reboot cannot be undone and changes nothing persistent.' },
    destructive: false,
  },
  {
    action: 'stop-start-instance',
    agent: 'self-healing',
    activity: 'stopStartInstance',
    preconditions: 'The instance is not terminated; EBS-backed (it moves to other hardware).',
    awsCalls: ['ec2:DescribeInstances', 'ec2:CreateTags', 'ec2:StopInstances', 'ec2:StartInstances'],
    verification: 'As for a reboot, on evidence from after the start.',
    compensation: { none: 'It ends running, as it began.' },
    destructive: false,
  },
  {
    action: 'replace-instance',
    agent: 'self-healing',
    activity: 'replaceInstance',
    preconditions: 'The instance has a launch template (tag) to launch its replacement from.',
    awsCalls: ['ec2:DescribeInstances', 'ec2:RunInstances', 'ec2:CreateTags', 'ec2:TerminateInstances'],
    verification: 'The replacement is running and healthy; the old one is terminated only after that.',
    compensation: { none: 'Termination is final; that is why it is last, budgeted and verified first.' },
    destructive: true,
  },
  {
    action: 'stop-instance',
    agent: 'cost',
    activity: 'stopInstance',
    preconditions: 'The instance is running and was idle (CPU and network) for the whole window.',
    awsCalls: ['ec2:DescribeInstances', 'ec2:StopInstances'],
    verification: 'The instance is stopped.',
    compensation: 'start-instance',
    destructive: false,
  },
  {
    action: 'quarantine-instance',
    agent: 'security',
    activity: 'quarantineInstance',
    preconditions:
      'The instance is reported compromised, or a person approved isolating it after an outbound surge; it is not terminated.',
    awsCalls: [
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'ec2:CreateSecurityGroup',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:CreateTags',
      'ec2:ModifyInstanceAttribute',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DetachInstances',
      'ec2:DescribeSnapshots',
      'ec2:CreateSnapshot',
    ],
    verification: "The instance is in its VPC's quarantine group and no other.",
    compensation: { none: "Restoring the recorded groups is a person's decision after forensics." },
    destructive: false,
  },
  {
    action: 'resize-instance',
    agent: 'self-healing',
    activity: 'resizeInstance',
    preconditions:
      'CPU ran hot again after a healed cpu-high, or memory peaked at 90 % or more (cpu-high, latency-high), and a larger size exists in the family.',
    awsCalls: [
      'ec2:DescribeInstances',
      'ec2:CreateTags',
      'ec2:StopInstances',
      'ec2:ModifyInstanceAttribute',
      'ec2:StartInstances',
    ],
    verification: 'As for cpu-high: running, checks fine, CPU below the threshold since the action.',
    compensation: { none: "Sizing back down is the cost agent's call once the load is gone." },
    destructive: false,
  },
  {
    action: 'restore-from-snapshot',
    agent: 'self-healing',
    activity: 'restoreFromSnapshot',
    preconditions: "The instance's data is damaged and its root volume has a completed snapshot.",
    awsCalls: [
      'ec2:DescribeInstances',
      'ec2:DescribeSnapshots',
      'ec2:CreateTags',
      'ec2:DescribeVolumes',
      'ec2:CreateVolume',
      'ec2:StopInstances',
      'ec2:DetachVolume',
      'ec2:AttachVolume',
      'ec2:StartInstances',
    ],
    verification: 'Running with the restored volume at the root device, status checks not impaired.',
    compensation: { none: 'The damaged volume is kept detached: a person can attach it back.' },
    destructive: false,
  },
  {
    action: 'downsize-instance',
    agent: 'cost',
    activity: 'downsizeInstance',
    preconditions: 'CPU never reached a fifth of the instance in the window, and a smaller size exists.',
    awsCalls: [
      'ec2:DescribeInstances',
      'ec2:CreateTags',
      'ec2:StopInstances',
      'ec2:ModifyInstanceAttribute',
      'ec2:StartInstances',
    ],
    verification: 'Running on the smaller type, status checks not impaired.',
    compensation: 'resize-instance',
    destructive: false,
  },
  {
    action: 'scale-out-group',
    agent: 'self-healing',
    activity: 'scaleOutGroup',
    preconditions:
      'The slow instance is in an Auto Scaling group below its maximum, and a restart did not help.',
    awsCalls: [
      'ec2:DescribeInstances',
      'autoscaling:DescribeAutoScalingGroups',
      'ec2:CreateTags',
      'autoscaling:SetDesiredCapacity',
    ],
    verification: "The slow instance's p99 latency since the action is below the threshold.",
    compensation: { none: 'The scaling agent brings the group back in when the load allows.' },
    destructive: false,
  },
  {
    action: 'expand-volume',
    agent: 'self-healing',
    activity: 'expandVolume',
    preconditions:
      "A proactive disk-filling incident: the root disk's usage trend reaches full within the forecast horizon.",
    awsCalls: ['ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:CreateTags', 'ec2:ModifyVolume'],
    verification: 'The root volume reads back at the size the step asked for (recorded on the volume).',
    compensation: { none: 'EBS volumes cannot shrink; a bigger disk costs a little more and harms nothing.' },
    destructive: false,
  },
  {
    action: 'revoke-ingress-rule',
    agent: 'security',
    activity: 'revokeIngressRule',
    preconditions: 'A rule opens a sensitive port to 0.0.0.0/0 or ::/0 on a fleet group, and is still there.',
    awsCalls: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress', 'ec2:CreateTags'],
    verification: 'The rule is gone, read twice.',
    compensation: 'restore-ingress-rule',
    destructive: false,
  },
  {
    action: 'restore-ingress-rule',
    agent: 'security',
    activity: 'restoreIngressRule',
    preconditions: 'The revoke could not be verified (the compensation).',
    awsCalls: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:DeleteTags'],
    verification: 'The rule is back as it was.',
    compensation: { none: 'It is itself the compensation.' },
    destructive: false,
  },
  {
    action: 'deny-source',
    agent: 'security',
    activity: 'denySource',
    preconditions: 'A public address flooded the fleet (flow logs) or a person asked; never a private range.',
    awsCalls: [
      'ec2:DescribeSubnets',
      'ec2:DescribeNetworkAcls',
      'ec2:CreateNetworkAclEntry',
      'ec2:CreateTags',
    ],
    verification: 'The deny is on every managed network ACL.',
    compensation: 'lift-source-block',
    destructive: false,
  },
  {
    action: 'enable-bucket-encryption',
    agent: 'security',
    activity: 'applyComplianceFix',
    preconditions:
      'A fleet-tagged bucket has no default encryption (compliance scan), and it still has none.',
    awsCalls: ['s3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration'],
    verification: "The bucket's default encryption reads back as set.",
    compensation: { none: 'Encryption at rest is never turned off by cloud-medic.' },
    destructive: false,
  },
  {
    action: 'block-bucket-public-access',
    agent: 'security',
    activity: 'applyComplianceFix',
    preconditions: 'A fleet-tagged bucket does not block public access (compliance scan); MANUAL by default.',
    awsCalls: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    verification: 'All four public access block settings read back as on.',
    compensation: {
      none: 'A person who needs public access turns it off deliberately; the next scan reports it.',
    },
    destructive: false,
  },
  {
    action: 'enable-flow-logs',
    agent: 'security',
    activity: 'applyComplianceFix',
    preconditions: "A fleet's VPC has no active flow log (compliance scan).",
    awsCalls: ['ec2:DescribeFlowLogs', 'ec2:CreateFlowLogs'],
    verification: 'An active flow log reads back for the VPC.',
    compensation: { none: 'Logging is never turned off by cloud-medic.' },
    destructive: false,
  },
  {
    action: 'lift-source-block',
    agent: 'security',
    activity: 'liftSourceBlock',
    preconditions:
      "The block's time is up, a person lifted it, or the deny could not be verified everywhere.",
    awsCalls: [
      'ec2:DescribeSubnets',
      'ec2:DescribeNetworkAcls',
      'ec2:DeleteNetworkAclEntry',
      'ec2:DeleteTags',
    ],
    verification: "No deny for the address is left in cloud-medic's rule range.",
    compensation: { none: 'It is itself the compensation.' },
    destructive: false,
  },
];
