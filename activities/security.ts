import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { isWorldOpenSensitive, ruleKey, type IngressRule } from '../domain/security';
import type { Client } from '@temporalio/client';
import { openSecurityIncident } from './security-starter';
import { FLEET_TAG } from './tags';

/** The ingress rules of a group, one per CIDR. */
export function rulesOf(group: SecurityGroup): IngressRule[] {
  return (group.IpPermissions ?? []).flatMap((p) => {
    const base = {
      groupId: group.GroupId ?? '',
      protocol: p.IpProtocol ?? '-1',
      fromPort: p.FromPort ?? 0,
      toPort: p.ToPort ?? 65535,
    };
    return [
      ...(p.IpRanges ?? []).map((r) => ({ ...base, cidr: r.CidrIp ?? '', description: r.Description })),
      ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, cidr: r.CidrIpv6 ?? '', description: r.Description })),
    ];
  });
}

function permissionOf(rule: IngressRule): IpPermission {
  const range = rule.cidr.includes(':')
    ? { Ipv6Ranges: [{ CidrIpv6: rule.cidr, Description: rule.description }] }
    : { IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }] };
  return { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort, ...range };
}

const sameRule = (a: IngressRule, b: IngressRule) => ruleKey(a) === ruleKey(b);

/** Tag on the group that records a revoked rule, so it can be restored exactly. */
export const revokedTag = (rule: IngressRule) =>
  `medic:revoked:${rule.protocol}-${rule.fromPort}-${rule.toPort}`;

export interface RuleChange {
  changed: boolean;
  detail: string;
}

/** The security agent's side effects: find world-open sensitive rules, revoke, verify, restore. */
export function createSecurityActivities(ec2: EC2Client, temporal: Client) {
  async function group(groupId: string): Promise<SecurityGroup> {
    try {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      const found = out.SecurityGroups?.[0];
      if (found) return found;
    } catch (err) {
      if (!String((err as { name?: string }).name).includes('NotFound')) throw err;
    }
    throw ApplicationFailure.nonRetryable(
      `security group ${groupId} does not exist`,
      'SecurityGroupNotFound',
    );
  }
  /** Rules in the fleet's security groups that open a sensitive port to the whole internet. */
  async function exposedRules(fleet: string): Promise<IngressRule[]> {
    const out = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }] }),
    );
    return (out.SecurityGroups ?? []).flatMap(rulesOf).filter(isWorldOpenSensitive);
  }
  const present = async (rule: IngressRule) =>
    rulesOf(await group(rule.groupId)).some((r) => sameRule(r, rule));

  return {
    /** The monitoring agent's security pass: one security incident per exposed rule (joined when open). */
    async scanSecurityGroups(input: { fleet: string }): Promise<{ exposed: number; opened: number }> {
      const exposed = await exposedRules(input.fleet);
      let opened = 0;
      for (const rule of exposed) {
        const result = await openSecurityIncident(temporal, rule, { source: `detector:${input.fleet}` });
        if (result.created) opened++;
      }
      return { exposed: exposed.length, opened };
    },

    async ruleIsPresent(rule: IngressRule): Promise<boolean> {
      return present(rule);
    },

    /** Check-before-act: a rule already gone is not revoked again. Records the rule on the group first. */
    async revokeIngressRule(input: {
      rule: IngressRule;
      incidentId: string;
      dryRun?: boolean;
    }): Promise<RuleChange> {
      const { rule } = input;
      if (!(await present(rule))) return { changed: false, detail: 'the rule was already gone' };
      if (input.dryRun) {
        try {
          await ec2.send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: rule.groupId,
              IpPermissions: [permissionOf(rule)],
              DryRun: true,
            }),
          );
        } catch (err) {
          const name = (err as { name?: string }).name ?? '';
          return {
            changed: false,
            detail:
              name === 'DryRunOperation'
                ? 'dry run: EC2 would permit the revoke'
                : `dry run: EC2 refused (${name})`,
          };
        }
        return { changed: false, detail: 'dry run: EC2 would permit the revoke' };
      }
      await ec2.send(
        new CreateTagsCommand({
          Resources: [rule.groupId],
          Tags: [
            {
              Key: revokedTag(rule),
              Value: JSON.stringify({ cidr: rule.cidr, incident: input.incidentId }).slice(0, 256),
            },
          ],
        }),
      );
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: rule.groupId, IpPermissions: [permissionOf(rule)] }),
      );
      return {
        changed: true,
        detail: `revoked ${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${rule.cidr} on ${rule.groupId}`,
      };
    },

    /** The compensation: put the rule back exactly as it was (idempotent). */
    async restoreIngressRule(input: { rule: IngressRule }): Promise<RuleChange> {
      const { rule } = input;
      if (await present(rule)) return { changed: false, detail: 'the rule is already in place' };
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: rule.groupId,
          IpPermissions: [permissionOf(rule)],
        }),
      );
      return {
        changed: true,
        detail: `restored ${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${rule.cidr} on ${rule.groupId}`,
      };
    },
  };
}
