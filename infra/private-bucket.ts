import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/**
 * A bucket no one outside the account reads: default encryption with `key` (the house policy wants
 * KMS on every bucket) and all four public access blocks. Its resources are named `<part>`,
 * `<part>-sse` and `<part>-private`.
 */
export function privateBucket(
  part: string,
  key: aws.kms.Key,
  resourceName: (part: string) => string,
  tags: (part: string) => Record<string, string>,
  parent: pulumi.CustomResourceOptions,
): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(resourceName(part), { forceDestroy: false, tags: tags(part) }, parent);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    resourceName(`${part}-sse`),
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    },
    parent,
  );
  new aws.s3.BucketPublicAccessBlock(
    resourceName(`${part}-private`),
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    parent,
  );
  return bucket;
}
