import { exposesSensitivePort, isWorld } from '../domain/security';

/**
 * Policy checks over the resources a Pulumi program registers (type token + inputs), run by the
 * unit tests under `pulumi.runtime.setMocks`; each returns findings, empty when the program complies.
 */
export interface RegisteredResource {
  type: string;
  name: string;
  // Pulumi resource inputs are untyped by the mock monitor.
  inputs: Record<string, unknown>;
}

type Rule = {
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
};

export function sensitivePortsOpenToWorld(resources: RegisteredResource[]): string[] {
  const findings: string[] = [];
  const check = (where: string, rule: Rule) => {
    const cidrs = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])];
    if (
      cidrs.some(isWorld) &&
      exposesSensitivePort(String(rule.protocol ?? 'tcp'), rule.fromPort ?? 0, rule.toPort ?? 65535)
    )
      findings.push(`${where}: ports ${rule.fromPort}-${rule.toPort} open to ${cidrs.join(', ')}`);
  };
  for (const r of resources) {
    if (r.type === 'aws:ec2/securityGroup:SecurityGroup')
      for (const rule of (r.inputs.ingress as Rule[] | undefined) ?? []) check(r.name, rule);
    if (r.type === 'aws:ec2/securityGroupRule:SecurityGroupRule' && r.inputs.type === 'ingress')
      check(r.name, r.inputs);
    if (r.type === 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule') {
      const i = r.inputs as {
        ipProtocol?: string;
        fromPort?: number;
        toPort?: number;
        cidrIpv4?: string;
        cidrIpv6?: string;
      };
      check(r.name, {
        protocol: i.ipProtocol,
        fromPort: i.fromPort,
        toPort: i.toPort,
        cidrBlocks: [i.cidrIpv4, i.cidrIpv6].filter((c): c is string => c !== undefined),
      });
    }
  }
  return findings;
}

export function unencryptedStorage(resources: RegisteredResource[]): string[] {
  const findings: string[] = [];
  const encryptedBuckets = new Set(
    resources
      .filter(
        (r) =>
          r.type === 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
      )
      .filter((r) =>
        (
          (r.inputs.rules as
            { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[] | undefined) ?? []
        ).some((rule) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm === 'aws:kms'),
      )
      .map((r) => String(r.inputs.bucket)),
  );
  for (const r of resources) {
    if (r.type === 'aws:s3/bucket:Bucket' && !encryptedBuckets.has(`${r.name}_id`))
      findings.push(`${r.name}: bucket without KMS default encryption`);
    if (r.type === 'aws:ec2/launchTemplate:LaunchTemplate') {
      const devices =
        (r.inputs.blockDeviceMappings as { ebs?: { encrypted?: string | boolean } }[] | undefined) ?? [];
      if (devices.length === 0 || devices.some((d) => String(d.ebs?.encrypted) !== 'true'))
        findings.push(`${r.name}: launch template volumes not encrypted`);
    }
    if (r.type === 'aws:sns/topic:Topic' && !r.inputs.kmsMasterKeyId)
      findings.push(`${r.name}: topic not encrypted`);
  }
  return findings;
}

export function publicBuckets(resources: RegisteredResource[]): string[] {
  const blocked = new Set(
    resources
      .filter((r) => r.type === 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')
      .filter((r) =>
        ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'].every(
          (k) => r.inputs[k] === true,
        ),
      )
      .map((r) => String(r.inputs.bucket)),
  );
  return resources
    .filter((r) => r.type === 'aws:s3/bucket:Bucket' && !blocked.has(`${r.name}_id`))
    .map((r) => `${r.name}: public access not fully blocked`);
}

interface PolicyStatement {
  Action: string | string[];
}

export function wildcardActions(resources: RegisteredResource[]): string[] {
  const findings: string[] = [];
  for (const r of resources.filter(
    (x) => x.type === 'aws:iam/rolePolicy:RolePolicy' || x.type === 'aws:iam/policy:Policy',
  )) {
    const document = JSON.parse(String(r.inputs.policy)) as { Statement: PolicyStatement[] };
    for (const s of document.Statement)
      for (const action of Array.isArray(s.Action) ? s.Action : [s.Action])
        if (action.includes('*')) findings.push(`${r.name}: wildcard action ${action}`);
  }
  return findings;
}
