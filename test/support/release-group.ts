import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../activities/aws-clients';
import { createLoadBalancedTargetGroup, createNetwork } from '../../activities/fleet-balancer';
import { FLEET_TAG } from '../../activities/tags';

export { createLoadBalancedTargetGroup, createNetwork };

export interface ReleaseGroup {
  group: string;
  launchTemplateId: string;
  /** The version a release rolls out: the same image on a t3.small (so tests can tell instances apart). */
  newVersion: string;
  targetGroupArn: string;
  listenerArn: string;
}

/**
 * A service as the delivery agent finds it: an Auto Scaling group of `size` on launch template
 * version 1 (t3.micro), behind a target group and an application load balancer's listener, and a
 * version 2 (t3.small) ready to release.
 */
export async function createReleaseGroup(aws: AwsClients, name: string, size: number): Promise<ReleaseGroup> {
  const network = await createNetwork(aws, 60);
  const template = await aws.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${name}-lt`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  const launchTemplateId = template.LaunchTemplate?.LaunchTemplateId ?? '';
  const version = await aws.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: launchTemplateId,
      SourceVersion: '1',
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.small' },
    }),
  );
  const { targetGroupArn, listenerArn } = await createLoadBalancedTargetGroup(aws, name, network);
  await aws.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: '1' },
      MinSize: 1,
      MaxSize: size + 2,
      DesiredCapacity: size,
      VPCZoneIdentifier: network.subnets[0],
      TargetGroupARNs: [targetGroupArn],
      Tags: [{ Key: FLEET_TAG, Value: name, PropagateAtLaunch: true }],
    }),
  );
  return {
    group: name,
    launchTemplateId,
    newVersion: String(version.LaunchTemplateVersion?.VersionNumber ?? 2),
    targetGroupArn,
    listenerArn,
  };
}

/** The group's instances in service, with their instance types (t3.small = the new version). */
export async function groupInstances(
  aws: AwsClients,
  group: string,
): Promise<{ id: string; type: string }[]> {
  const out = await aws.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
  );
  const ids = (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId ?? '');
  if (ids.length === 0) return [];
  const described = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  return (described.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name === 'running' || i.State?.Name === 'pending')
    .map((i) => ({ id: i.InstanceId ?? '', type: i.InstanceType ?? '' }));
}

/**
 * The service's CPU as its instances would report it, once a second until stopped: `cpuOf` says
 * what an instance of each type runs at (a bad release runs hot).
 */
export function reportCpu(
  aws: AwsClients,
  groups: () => string[],
  cpuOf: (type: string) => number,
): () => void {
  let running = true;
  void (async () => {
    while (running) {
      for (const group of groups()) {
        const instances = await groupInstances(aws, group).catch(() => []);
        if (instances.length > 0)
          await aws.cloudwatch.send(
            new PutMetricDataCommand({
              Namespace: 'AWS/EC2',
              MetricData: instances.map((i) => ({
                MetricName: 'CPUUtilization',
                Dimensions: [{ Name: 'InstanceId', Value: i.id }],
                Value: cpuOf(i.type),
                Unit: 'Percent',
                Timestamp: new Date(),
              })),
            }),
          );
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return () => {
    running = false;
  };
}
