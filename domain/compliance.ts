import type { Severity } from './incident';
import { ruleKey, type IngressRule } from './security';

/**
 * The controls the compliance scan checks, each with the framework clauses it evidences. A control
 * with a `fix` is remediated by the security agent once a person approves (or at once in AUTO); the
 * others need a change only a person can schedule, and the incident says how.
 */
export const COMPLIANCE_CONTROLS = {
  'volume-encryption': {
    title: 'EBS volumes are encrypted at rest',
    frameworks: ['GDPR Art. 32(1)(a)', 'HIPAA 164.312(a)(2)(iv)', 'CIS AWS 2.2.1'],
    severity: 'high',
    fix: undefined,
    procedure:
      'An attached volume cannot be encrypted in place: snapshot it, copy the snapshot with encryption on, create a volume from the copy, and swap it in a maintenance window (stop, detach, attach, start). Turn on EBS encryption by default for the region so new volumes comply.',
  },
  'bucket-encryption': {
    title: 'S3 buckets encrypt objects by default',
    frameworks: ['GDPR Art. 32(1)(a)', 'HIPAA 164.312(a)(2)(iv)', 'CIS AWS 2.1.1'],
    severity: 'high',
    fix: 'enable-bucket-encryption',
    procedure:
      'Default encryption (SSE-KMS) applies to objects written from now on; re-copy existing objects to encrypt them.',
  },
  'bucket-public-access': {
    title: 'S3 buckets block public access',
    frameworks: ['GDPR Art. 25', 'GDPR Art. 32(1)(b)', 'HIPAA 164.312(a)(1)', 'CIS AWS 2.1.5'],
    severity: 'critical',
    fix: 'block-bucket-public-access',
    procedure:
      'All four public access block settings on; a site that must be public belongs behind CloudFront with origin access control.',
  },
  'bucket-logging': {
    title: 'S3 buckets log access',
    frameworks: ['GDPR Art. 30', 'HIPAA 164.312(b)', 'CIS AWS 3.6'],
    severity: 'medium',
    fix: undefined,
    procedure:
      'Server access logging needs a dedicated log bucket that grants the S3 log delivery service write access; name it, then enable logging with a prefix per bucket.',
  },
  'vpc-flow-logs': {
    title: 'VPC flow logs are on',
    frameworks: ['GDPR Art. 33 (breach detection)', 'HIPAA 164.312(b)', 'CIS AWS 3.9'],
    severity: 'medium',
    fix: 'enable-flow-logs',
    procedure:
      'Flow logs of all traffic, delivered to the flow-log bucket (the traffic-flood detector reads them too).',
  },
  'world-open-port': {
    title: 'No sensitive port is open to the whole internet',
    frameworks: ['GDPR Art. 32(1)(b)', 'HIPAA 164.312(e)(1)', 'CIS AWS 5.2'],
    severity: 'critical',
    fix: 'revoke-ingress-rule',
    procedure: 'Handled by the security agent: the rule is revoked and recorded so it can be restored.',
  },
} as const satisfies Record<
  string,
  {
    title: string;
    frameworks: readonly string[];
    severity: Severity;
    fix: string | undefined;
    procedure: string;
  }
>;
export type ComplianceControl = keyof typeof COMPLIANCE_CONTROLS;
export const COMPLIANCE_CONTROL_IDS = Object.keys(COMPLIANCE_CONTROLS) as ComplianceControl[];

/** What the scan read of one fleet: only the facts the controls need. */
export interface FleetInventory {
  volumes: { volumeId: string; encrypted: boolean; instanceId?: string }[];
  buckets: {
    name: string;
    encrypted: boolean;
    /** All four public access block settings on. */
    publicAccessBlocked: boolean;
    /** The ACL grants AllUsers or AuthenticatedUsers. */
    publicAcl: boolean;
    logging: boolean;
  }[];
  vpcs: { vpcId: string; flowLogs: boolean }[];
  worldOpenRules: IngressRule[];
}

export interface ComplianceFinding {
  control: ComplianceControl;
  /** The volume, bucket, VPC, or the rule's key. */
  resourceId: string;
  detail: string;
  severity: Severity;
  /** Only for `world-open-port`: the rule the security agent revokes. */
  rule?: IngressRule;
}

function finding(control: ComplianceControl, resourceId: string, detail: string, severity?: Severity) {
  return { control, resourceId, detail, severity: severity ?? COMPLIANCE_CONTROLS[control].severity };
}

/** Every control each resource of the inventory violates, in a stable order. */
export function evaluateCompliance(inventory: FleetInventory): ComplianceFinding[] {
  const findings: ComplianceFinding[] = [];
  for (const v of inventory.volumes)
    if (!v.encrypted)
      findings.push(
        finding(
          'volume-encryption',
          v.volumeId,
          `${v.volumeId}${v.instanceId ? ` (on ${v.instanceId})` : ''} is not encrypted`,
        ),
      );
  for (const b of inventory.buckets) {
    if (!b.encrypted)
      findings.push(finding('bucket-encryption', b.name, `${b.name} has no default encryption`));
    if (!b.publicAccessBlocked)
      findings.push(
        finding(
          'bucket-public-access',
          b.name,
          b.publicAcl
            ? `${b.name} is readable by anyone: its ACL grants a public group and public access is not blocked`
            : `${b.name} does not block public access (an ACL or policy could expose it)`,
          b.publicAcl ? 'critical' : 'high',
        ),
      );
    if (!b.logging)
      findings.push(finding('bucket-logging', b.name, `${b.name} has no server access logging`));
  }
  for (const vpc of inventory.vpcs)
    if (!vpc.flowLogs) findings.push(finding('vpc-flow-logs', vpc.vpcId, `${vpc.vpcId} has no flow logs`));
  for (const rule of inventory.worldOpenRules)
    findings.push({
      ...finding(
        'world-open-port',
        ruleKey(rule),
        `${rule.groupId} opens ${rule.protocol} ${rule.fromPort}-${rule.toPort} to ${rule.cidr}`,
      ),
      rule,
    });
  return findings;
}

/** The public groups an S3 ACL can grant to. */
export const PUBLIC_ACL_GROUPS = [
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
];

/** One line per finding, for notifications and the CLI. */
export function describeFinding(f: ComplianceFinding): string {
  const control = COMPLIANCE_CONTROLS[f.control];
  return `${control.title} — violated: ${f.detail} (${control.frameworks.join('; ')})`;
}
