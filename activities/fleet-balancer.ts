import { AttachLoadBalancerTargetGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from './aws-clients';

/*
 * A balancer in front of an emulated group, as a web tier has one: the demo's and the tests' fleets.
 * A fleet built by infra/ gets its balancer from the Pulumi program instead.
 */

/** A VPC of `10.<octet>.0.0/16` with a subnet in each of two zones, as a load balancer needs. */
export async function createNetwork(
  aws: AwsClients,
  octet: number,
): Promise<{ vpcId: string; subnets: string[] }> {
  const vpcId =
    (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: `10.${octet}.0.0/16` }))).Vpc?.VpcId ?? '';
  const subnets = await Promise.all(
    ['a', 'b'].map(
      async (zone, i) =>
        (
          await aws.ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcId,
              CidrBlock: `10.${octet}.${i}.0/24`,
              AvailabilityZone: `us-east-1${zone}`,
            }),
          )
        ).Subnet?.SubnetId ?? '',
    ),
  );
  return { vpcId, subnets };
}

/** An application load balancer `<name>-lb` whose HTTP listener forwards to a new target group. */
export async function createLoadBalancedTargetGroup(
  aws: AwsClients,
  name: string,
  network: { vpcId: string; subnets: string[] },
): Promise<{ targetGroupArn: string; listenerArn: string }> {
  const targetGroupArn =
    (
      await aws.elbv2.send(
        new CreateTargetGroupCommand({
          Name: `${name}-tg`.slice(0, 28),
          Protocol: 'HTTP',
          Port: 80,
          VpcId: network.vpcId,
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn ?? '';
  const loadBalancerArn =
    (
      await aws.elbv2.send(
        new CreateLoadBalancerCommand({ Name: `${name}-lb`.slice(0, 32), Subnets: network.subnets }),
      )
    ).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const listenerArn =
    (
      await aws.elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: loadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
        }),
      )
    ).Listeners?.[0]?.ListenerArn ?? '';
  return { targetGroupArn, listenerArn };
}

/**
 * The group behind a new application load balancer `<name>-lb` in `network`, through a target group
 * the group is attached to, as a group on its balancer's health checks is. Returns the target group's ARN.
 */
export async function putGroupBehindBalancer(
  aws: AwsClients,
  group: string,
  name: string,
  network: { vpcId: string; subnets: string[] },
): Promise<string> {
  const { targetGroupArn } = await createLoadBalancedTargetGroup(aws, name, network);
  await aws.autoscaling.send(
    new AttachLoadBalancerTargetGroupsCommand({
      AutoScalingGroupName: group,
      TargetGroupARNs: [targetGroupArn],
    }),
  );
  return targetGroupArn;
}
