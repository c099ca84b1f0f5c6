import {
  CreateFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  COMPLIANCE_CONTROLS,
  evaluateCompliance,
  PUBLIC_ACL_GROUPS,
  type ComplianceFinding,
  type FleetInventory,
} from '../domain/compliance';
import { TASK_QUEUES } from '../domain/config';
import { mapLimited } from '../domain/concurrency';
import { complianceIncidentId } from '../domain/ids';
import type { Mode } from '../domain/incident';
import { isWorldOpenSensitive } from '../domain/security';
import { incidentStartAttributes } from '../workflows/search-attributes';
import { rulesOf } from './security';
import { openSecurityIncident } from './security-starter';
import { startOrJoinIncident } from './start-or-join';
import { FLEET_TAG } from './tags';
import { flowLogPrefix } from './flow-log-deliveries';

/** S3 answers "not configured" with an error; those names mean the setting is off. */
const isMissing = (err: unknown, ...names: string[]) =>
  names.includes(String((err as { name?: string }).name));

export interface ComplianceFix {
  changed: boolean;
  detail: string;
}

/**
 * The compliance scan's side effects: read the fleet's volumes, buckets, VPCs and security groups;
 * open one incident per finding; apply a control's fix; re-read one control for verification.
 */
export function createComplianceActivities(
  ec2: EC2Client,
  s3: S3Client,
  temporal: Client,
  flowLogBucket: string,
) {
  const fleetFilter = (fleet: string) => [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }];

  async function bucketFacts(name: string): Promise<FleetInventory['buckets'][number]> {
    const encrypted = await s3.send(new GetBucketEncryptionCommand({ Bucket: name })).then(
      (out) => (out.ServerSideEncryptionConfiguration?.Rules ?? []).length > 0,
      (err: unknown) => {
        if (isMissing(err, 'ServerSideEncryptionConfigurationNotFoundError')) return false;
        throw err;
      },
    );
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: name })).then(
      (out) => out.PublicAccessBlockConfiguration,
      (err: unknown) => {
        if (isMissing(err, 'NoSuchPublicAccessBlockConfiguration')) return undefined;
        throw err;
      },
    );
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: name }));
    const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: name }));
    return {
      name,
      encrypted,
      publicAccessBlocked: Boolean(
        block?.BlockPublicAcls &&
        block.IgnorePublicAcls &&
        block.BlockPublicPolicy &&
        block.RestrictPublicBuckets,
      ),
      publicAcl: (acl.Grants ?? []).some((g) => PUBLIC_ACL_GROUPS.includes(g.Grantee?.URI ?? '')),
      logging: logging.LoggingEnabled !== undefined,
    };
  }

  async function fleetBuckets(fleet: string): Promise<string[]> {
    const names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '');
    const tagged = await mapLimited(names, 8, async (name) => {
      const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: name })).then(
        (out) => out.TagSet ?? [],
        (err: unknown) => {
          if (isMissing(err, 'NoSuchTagSet', 'NoSuchBucket')) return [];
          throw err;
        },
      );
      return tags.some((t) => t.Key === FLEET_TAG && t.Value === fleet) ? name : undefined;
    });
    return tagged.filter((n): n is string => n !== undefined);
  }

  async function vpcFlowLogs(vpcId: string): Promise<boolean> {
    const out = await ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [vpcId] }] }),
    );
    return (out.FlowLogs ?? []).some((f) => f.FlowLogStatus === undefined || f.FlowLogStatus === 'ACTIVE');
  }

  async function inventory(fleet: string): Promise<FleetInventory> {
    const reservations = (await ec2.send(new DescribeInstancesCommand({ Filters: fleetFilter(fleet) })))
      .Reservations;
    const attached = new Map<string, string>();
    for (const instance of (reservations ?? []).flatMap((r) => r.Instances ?? []))
      if (instance.State?.Name !== 'terminated')
        for (const mapping of instance.BlockDeviceMappings ?? [])
          if (mapping.Ebs?.VolumeId) attached.set(mapping.Ebs.VolumeId, instance.InstanceId ?? '');
    const volumes =
      attached.size === 0
        ? []
        : (
            (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [...attached.keys()] }))).Volumes ?? []
          ).map((v) => ({
            volumeId: v.VolumeId ?? '',
            encrypted: v.Encrypted === true,
            instanceId: attached.get(v.VolumeId ?? ''),
          }));
    const vpcIds = (
      (await ec2.send(new DescribeVpcsCommand({ Filters: fleetFilter(fleet) }))).Vpcs ?? []
    ).map((v) => v.VpcId ?? '');
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: fleetFilter(fleet) })))
      .SecurityGroups;
    return {
      volumes,
      buckets: await mapLimited(await fleetBuckets(fleet), 4, bucketFacts),
      vpcs: await mapLimited(vpcIds, 4, async (vpcId) => ({ vpcId, flowLogs: await vpcFlowLogs(vpcId) })),
      worldOpenRules: (groups ?? []).flatMap(rulesOf).filter(isWorldOpenSensitive),
    };
  }

  return {
    /** Every control every fleet resource violates now. */
    async scanCompliance(input: { fleet: string }): Promise<ComplianceFinding[]> {
      return evaluateCompliance(await inventory(input.fleet));
    },

    /**
     * One incident per finding, joined when the last scan's is still open. World-open ports go to the
     * security agent's own incident (the same one its detection pass opens), so they are never doubled.
     */
    async openComplianceIncident(input: {
      finding: ComplianceFinding;
      fleet: string;
      mode?: Mode;
    }): Promise<{ incidentId: string; created: boolean }> {
      const { finding } = input;
      const source = `compliance-scan:${input.fleet}`;
      if (finding.rule) return openSecurityIncident(temporal, finding.rule, { source });
      return startOrJoinIncident(
        temporal,
        {
          workflowType: 'complianceFindingWorkflow',
          workflowId: complianceIncidentId(finding.resourceId, finding.control),
          taskQueue: TASK_QUEUES.security,
          args: [{ finding, fleet: input.fleet, mode: input.mode ?? 'manual', source }],
          searchAttributes: incidentStartAttributes({
            resourceId: finding.resourceId,
            kind: 'compliance-violation',
            severity: finding.severity,
            mode: input.mode ?? 'manual',
          }),
        },
        { source, summary: `${COMPLIANCE_CONTROLS[finding.control].title}: still violated` },
      );
    },

    /** Whether the finding's resource still violates its control (verification reads it again). */
    async complianceViolated(input: { finding: ComplianceFinding; fleet: string }): Promise<boolean> {
      const { finding } = input;
      switch (finding.control) {
        case 'bucket-encryption':
          return !(await bucketFacts(finding.resourceId)).encrypted;
        case 'bucket-public-access':
          return !(await bucketFacts(finding.resourceId)).publicAccessBlocked;
        case 'bucket-logging':
          return !(await bucketFacts(finding.resourceId)).logging;
        case 'vpc-flow-logs':
          return !(await vpcFlowLogs(finding.resourceId));
        case 'volume-encryption': {
          const out = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [finding.resourceId] }));
          return out.Volumes?.[0]?.Encrypted !== true;
        }
        case 'world-open-port':
          return evaluateCompliance(await inventory(input.fleet)).some(
            (f) => f.resourceId === finding.resourceId,
          );
      }
    },

    /** The control's fix; each one is a "make it so" call, so a retry after success changes nothing. */
    async applyComplianceFix(input: {
      finding: ComplianceFinding;
      fleet: string;
      incidentId: string;
    }): Promise<ComplianceFix> {
      const { finding } = input;
      if (finding.control === 'bucket-encryption') {
        if ((await bucketFacts(finding.resourceId)).encrypted)
          return { changed: false, detail: `${finding.resourceId} already encrypts by default` };
        await s3.send(
          new PutBucketEncryptionCommand({
            Bucket: finding.resourceId,
            ServerSideEncryptionConfiguration: {
              Rules: [
                { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true },
              ],
            },
          }),
        );
        return { changed: true, detail: `default encryption SSE-KMS turned on for ${finding.resourceId}` };
      }
      if (finding.control === 'bucket-public-access') {
        await s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: finding.resourceId,
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
          }),
        );
        return {
          changed: true,
          detail: `all four public access block settings on for ${finding.resourceId}`,
        };
      }
      if (finding.control === 'vpc-flow-logs') {
        if (await vpcFlowLogs(finding.resourceId))
          return { changed: false, detail: `${finding.resourceId} already has flow logs` };
        const refusal = async (destination: string) => {
          const out = await ec2.send(
            new CreateFlowLogsCommand({
              ResourceIds: [finding.resourceId],
              ResourceType: 'VPC',
              TrafficType: 'ALL',
              LogDestinationType: 's3',
              LogDestination: destination,
              TagSpecifications: [
                { ResourceType: 'vpc-flow-log', Tags: [{ Key: 'medic:incident', Value: input.incidentId }] },
              ],
            }),
          );
          return out.Unsuccessful?.[0]?.Error?.Message;
        };
        // Under the fleet's prefix, where the flood scan and egress diagnoses read (decision 0062).
        const folder = flowLogPrefix(input.fleet);
        let where = `s3://${flowLogBucket}/${folder}`;
        let failed = await refusal(`arn:aws:s3:::${flowLogBucket}/${folder}`);
        // An S3 endpoint that takes only a bucket as the destination (the local emulator reads the
        // folder as part of the bucket's name): the bucket root, said, rather than no flow logs.
        if (failed && /does not exist/i.test(failed)) {
          failed = await refusal(`arn:aws:s3:::${flowLogBucket}`);
          where = `s3://${flowLogBucket} (its root: the endpoint refused the folder ${folder}, which is where the flood scan and egress diagnoses read)`;
        }
        if (failed)
          throw ApplicationFailure.nonRetryable(
            `flow logs for ${finding.resourceId}: ${failed}`,
            'FlowLogsRefused',
          );
        return { changed: true, detail: `flow logs of all traffic to ${where} for ${finding.resourceId}` };
      }
      throw ApplicationFailure.nonRetryable(
        `control ${finding.control} has no automatic fix`,
        'NoAutomaticFix',
      );
    },
  };
}
