import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';

export const INSTANCE_NOT_FOUND = 'InstanceNotFound';

/** Reads one instance; `undefined` when EC2 does not know it (a typo, or long gone). */
export async function findInstance(ec2: EC2Client, instanceId: string): Promise<Instance | undefined> {
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
  } catch (err) {
    const code = (err as { name?: string }).name ?? '';
    if (code === 'InvalidInstanceID.NotFound' || code === 'InvalidInstanceID.Malformed') return undefined;
    throw err;
  }
}

export async function requireInstance(ec2: EC2Client, instanceId: string): Promise<Instance> {
  const instance = await findInstance(ec2, instanceId);
  if (!instance) {
    throw ApplicationFailure.create({
      type: INSTANCE_NOT_FOUND,
      message: `Instance ${instanceId} does not exist`,
      nonRetryable: true,
    });
  }
  return instance;
}

export function tagValue(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((t) => t.Key === key)?.Value;
}

export function stateOf(instance: Instance): string {
  return instance.State?.Name ?? 'unknown';
}
