import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';

export interface AwsClients {
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  autoscaling: AutoScalingClient;
  s3: S3Client;
  elbv2: ElasticLoadBalancingV2Client;
}

export interface AwsSettings {
  region: string;
  /** The local emulator's URL; undefined for real AWS. */
  endpoint?: string;
}

/**
 * One place builds every AWS client. With an endpoint (the local emulator) we supply dummy
 * credentials so a developer machine needs no AWS account; without one the SDK's default
 * credential chain and real endpoints apply.
 */
export function createAwsClients(settings: AwsSettings): AwsClients {
  const common = {
    region: settings.region,
    maxAttempts: 3,
    ...(settings.endpoint
      ? {
          endpoint: settings.endpoint,
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'medic-local',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'medic-local',
          },
        }
      : {}),
  };
  return {
    ec2: new EC2Client(common),
    cloudwatch: new CloudWatchClient(common),
    autoscaling: new AutoScalingClient(common),
    s3: new S3Client({ ...common, forcePathStyle: settings.endpoint !== undefined }),
    elbv2: new ElasticLoadBalancingV2Client(common),
  };
}
