import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { flowLogPrefix } from '../activities/flow-log-deliveries';
import { privateBucket } from './private-bucket';

/** How long delivered flow logs are kept: the flood scan and egress diagnoses read minutes of them. */
export const FLOW_LOG_RETENTION_DAYS = 30;

/**
 * The VPC's flow logs, delivered by AWS to a private bucket under `flow-logs/<fleet>/`, where the
 * worker's flood scan and outbound-surge diagnosis read them (decision 0062). Encrypted with a key of
 * their own, whose policy lets the log delivery service write: the model registry's key grants
 * nothing to an AWS service.
 */
export function fleetFlowLogs(
  fleet: string,
  vpcId: pulumi.Input<string>,
  resourceName: (part: string) => string,
  tags: (part: string) => Record<string, string>,
  parent: pulumi.CustomResourceOptions,
): { bucket: aws.s3.Bucket; key: aws.kms.Key } {
  const account = aws.getCallerIdentityOutput({}, parent).accountId;
  const key = new aws.kms.Key(
    resourceName('flow-logs-key'),
    {
      description: 'cloud-medic VPC flow logs',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: account.apply((accountId) =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${accountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'LogDeliveryEncrypts',
              Effect: 'Allow',
              Principal: { Service: 'delivery.logs.amazonaws.com' },
              Action: [
                'kms:Encrypt',
                'kms:Decrypt',
                'kms:ReEncrypt*',
                'kms:GenerateDataKey*',
                'kms:DescribeKey',
              ],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
            },
          ],
        }),
      ),
      tags: tags('flow-logs-key'),
    },
    parent,
  );
  const bucket = privateBucket('flow-logs', key, resourceName, tags, parent);
  new aws.s3.BucketLifecycleConfiguration(
    resourceName('flow-logs-expiry'),
    {
      bucket: bucket.id,
      rules: [
        {
          id: 'expire-flow-logs',
          status: 'Enabled',
          filter: { prefix: flowLogPrefix(fleet) },
          expiration: { days: FLOW_LOG_RETENTION_DAYS },
        },
      ],
    },
    parent,
  );
  // What the log delivery service needs, written down rather than left for AWS to add on first use.
  const policy = new aws.s3.BucketPolicy(
    resourceName('flow-logs-delivery'),
    {
      bucket: bucket.id,
      policy: pulumi.all([bucket.arn, account]).apply(([arn, accountId]) =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AWSLogDeliveryWrite',
              Effect: 'Allow',
              Principal: { Service: 'delivery.logs.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `${arn}/${flowLogPrefix(fleet)}AWSLogs/${accountId}/*`,
              Condition: {
                StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': accountId },
              },
            },
            {
              Sid: 'AWSLogDeliveryAclCheck',
              Effect: 'Allow',
              Principal: { Service: 'delivery.logs.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: arn,
              Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
            },
          ],
        }),
      ),
    },
    parent,
  );
  new aws.ec2.FlowLog(
    resourceName('flow-log'),
    {
      vpcId,
      trafficType: 'ALL',
      logDestinationType: 's3',
      logDestination: pulumi.interpolate`${bucket.arn}/${flowLogPrefix(fleet)}`,
      // A minute, not the default ten: a flood or a leak is seen that much sooner.
      maxAggregationInterval: 60,
      tags: tags('flow-log'),
    },
    { ...parent, dependsOn: [policy] },
  );
  return { bucket, key };
}
