import {
  CreateNetworkAclEntryCommand,
  CreateTagsCommand,
  DeleteNetworkAclEntryCommand,
  DeleteTagsCommand,
  DescribeNetworkAclsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type NetworkAcl,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { formatRange, parseRange } from '../domain/ip-address';
import { BLOCK_RULES, blockRuleNumber, blockTag } from '../domain/network-block';
import { FLEET_TAG } from './tags';

export interface BlockScope {
  cidr: string;
  /** One fleet's subnets; absent = every subnet cloud-medic manages (tagged medic:fleet). */
  fleet?: string;
}

/** The network ACLs guarding the managed subnets: where a source is denied. */
async function managedAcls(ec2: EC2Client, fleet: string | undefined): Promise<NetworkAcl[]> {
  const subnets = await ec2.send(
    new DescribeSubnetsCommand({
      Filters: fleet
        ? [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }]
        : [{ Name: 'tag-key', Values: [FLEET_TAG] }],
    }),
  );
  const subnetIds = (subnets.Subnets ?? []).map((s) => s.SubnetId ?? '').filter((id) => id !== '');
  if (subnetIds.length === 0) return [];
  const acls = await ec2.send(
    new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: subnetIds }] }),
  );
  return acls.NetworkAcls ?? [];
}

/** A range as the ACL holds it, in the canonical form `blockableSource` gives (IPv6 as AWS may spell it). */
const canonical = (cidr: string): string => {
  const range = parseRange(cidr);
  return range ? formatRange(range) : cidr;
};

const entriesOf = (acl: NetworkAcl) =>
  (acl.Entries ?? []).map((e) => {
    const cidr = e.CidrBlock ?? e.Ipv6CidrBlock;
    return {
      ruleNumber: e.RuleNumber ?? 0,
      egress: e.Egress ?? false,
      action: e.RuleAction ?? '',
      ...(cidr ? { cidr: canonical(cidr) } : {}),
    };
  });

/** Where the range goes in a network ACL entry: IPv4 and IPv6 ranges are separate fields. */
const rangeField = (cidr: string) =>
  parseRange(cidr)?.family === 6 ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr };

/**
 * EC2's answers that no retry changes: the ACL is at the account's rule quota (20 inbound by
 * default, well below cloud-medic's 1-99), or the range cannot go in this ACL (IPv6 in a VPC without
 * an IPv6 block). The incident fails at once with what a person must change, and the deny is undone
 * on the ACLs that took it.
 */
function refusedForGood(err: unknown, aclId: string, cidr: string): ApplicationFailure | undefined {
  const code = (err as { name?: string }).name ?? '';
  if (code === 'NetworkAclEntryLimitExceeded')
    return ApplicationFailure.nonRetryable(
      `${aclId} already holds as many rules as the account's quota allows, so ${cidr} cannot be denied there: raise the "Rules per network ACL" quota or remove rules`,
      code,
    );
  if (code === 'InvalidParameterValue' || code === 'InvalidParameterCombination')
    return ApplicationFailure.nonRetryable(
      `EC2 refused a deny for ${cidr} on ${aclId}: ${(err as Error).message}`,
      code,
    );
  return undefined;
}

/** The security agent's network-ACL actions: deny a source, check it, lift it. Each is idempotent. */
export function createNetworkBlockActivities(ec2: EC2Client) {
  async function denySource(
    input: BlockScope & { until: string },
  ): Promise<{ acls: { aclId: string; ruleNumber: number; created: boolean }[] }> {
    const acls = await managedAcls(ec2, input.fleet);
    if (acls.length === 0)
      throw ApplicationFailure.nonRetryable(
        `No managed subnet${input.fleet ? ` in fleet ${input.fleet}` : ''} to block ${input.cidr} on`,
        'NoManagedSubnet',
      );
    const done: { aclId: string; ruleNumber: number; created: boolean }[] = [];
    for (const acl of acls) {
      const aclId = acl.NetworkAclId ?? '';
      const rule = blockRuleNumber(entriesOf(acl), input.cidr);
      if (rule.ruleNumber === undefined)
        throw ApplicationFailure.nonRetryable(
          `${aclId} has no free rule number in ${BLOCK_RULES.first}-${BLOCK_RULES.last}`,
          'NoFreeRuleNumber',
        );
      if (!rule.existing)
        await ec2
          .send(
            new CreateNetworkAclEntryCommand({
              NetworkAclId: aclId,
              RuleNumber: rule.ruleNumber,
              Protocol: '-1',
              RuleAction: 'deny',
              Egress: false,
              ...rangeField(input.cidr),
            }),
          )
          .catch((err: unknown) => {
            throw refusedForGood(err, aclId, input.cidr) ?? err;
          });
      await ec2.send(
        new CreateTagsCommand({
          Resources: [aclId],
          Tags: [{ Key: blockTag(input.cidr), Value: input.until }],
        }),
      );
      done.push({ aclId, ruleNumber: rule.ruleNumber, created: !rule.existing });
    }
    return { acls: done };
  }

  /** How many of the managed ACLs deny the source right now. */
  async function sourceDenied(input: BlockScope): Promise<{ denied: number; acls: number }> {
    const acls = await managedAcls(ec2, input.fleet);
    return {
      acls: acls.length,
      denied: acls.filter((acl) => blockRuleNumber(entriesOf(acl), input.cidr).existing).length,
    };
  }

  /** Removes cloud-medic's deny entries for the source (only in its own rule range) and their tags. */
  async function liftSourceBlock(input: BlockScope): Promise<{ lifted: number }> {
    let lifted = 0;
    for (const acl of await managedAcls(ec2, input.fleet)) {
      const aclId = acl.NetworkAclId ?? '';
      for (const entry of entriesOf(acl))
        if (
          !entry.egress &&
          entry.action === 'deny' &&
          entry.cidr === input.cidr &&
          entry.ruleNumber >= BLOCK_RULES.first &&
          entry.ruleNumber <= BLOCK_RULES.last
        ) {
          await ec2.send(
            new DeleteNetworkAclEntryCommand({
              NetworkAclId: aclId,
              RuleNumber: entry.ruleNumber,
              Egress: false,
            }),
          );
          lifted += 1;
        }
      await ec2.send(new DeleteTagsCommand({ Resources: [aclId], Tags: [{ Key: blockTag(input.cidr) }] }));
    }
    return { lifted };
  }

  return { denySource, sourceDenied, liftSourceBlock };
}
