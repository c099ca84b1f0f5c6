import * as pulumi from '@pulumi/pulumi';
import type { RegisteredResource } from '../policies';

/** Records every resource the program registers; ids and ARNs are derived from the names. */
export function mockPulumi(config: Record<string, string>, secretKeys: string[]): RegisteredResource[] {
  const resources: RegisteredResource[] = [];
  pulumi.runtime.setAllConfig(config, secretKeys);
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const service = args.type.split(':')[1]?.split('/')[0] ?? 'x';
        return {
          id: `${args.name}_id`,
          state: {
            ...(args.inputs as Record<string, unknown>),
            arn: `arn:aws:${service}:us-east-1:123456789012:${args.name}`,
            name: (args.inputs as { name?: string }).name ?? args.name,
            bucket: args.name,
            arnSuffix: `app/${args.name}/0123456789abcdef`,
            dnsName: `${args.name}.elb.example`,
            // What AWS assigns a VPC that asks for an IPv6 block: a /56 of its own.
            ...((args.inputs as { assignGeneratedIpv6CidrBlock?: boolean }).assignGeneratedIpv6CidrBlock
              ? { ipv6CidrBlock: '2600:1f18:4b2:ce00::/56' }
              : {}),
          },
        };
      },
      call(args) {
        if (args.token === 'aws:ec2/getAmi:getAmi') return { id: 'ami-0123456789abcdef0' };
        if (args.token === 'aws:index/getCallerIdentity:getCallerIdentity')
          return { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: 'x' };
        return {};
      },
    },
    'cloud-medic-fleet',
    'test',
    false,
  );
  return resources;
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until no new resource has been registered for a few turns of the event loop. */
export async function settled(resources: RegisteredResource[]): Promise<void> {
  let count = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 10));
    stable = resources.length === count ? stable + 1 : 0;
    count = resources.length;
  }
}
