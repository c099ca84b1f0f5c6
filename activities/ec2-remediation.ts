import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  ModifyInstanceAttributeCommand,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
  type Tag,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { requireInstance, stateOf, tagValue } from './instances';
import { nextInstanceSize, previousInstanceSize } from '../domain/sizing';
import { FLEET_TAG, IDEMPOTENCY_TAG, LAUNCH_TEMPLATE_TAG, REPLACES_TAG } from './tags';

export interface RemediationInput {
  instanceId: string;
  /** Workflow id + run id + step: the same key on a retry means "the same action". */
  idempotencyKey: string;
  /** Check with EC2's DryRun that the call would be permitted; change nothing. */
  dryRun?: boolean;
}

export interface RemediationResult {
  instanceId: string;
  /** Set when the action produced a different instance (replacement). */
  newInstanceId?: string;
  detail: string;
}

export type Heartbeat = (detail: string) => void;

/** The idempotency key of the last step completed on an instance. */
export const DONE_TAG = 'medic:last-operation';
const PENDING_TAG = 'medic:pending-operation';
const REBOOT_MARK_TAG = 'medic:reboot-issued';
const RESIZED_FROM_TAG = 'medic:resized-from';

export async function waitForState(
  ec2: EC2Client,
  instanceId: string,
  target: string,
  heartbeat: Heartbeat,
  timeoutMs = 600_000,
): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instance = await requireInstance(ec2, instanceId);
    if (stateOf(instance) === target) return instance;
    if (stateOf(instance) === 'terminated') {
      throw ApplicationFailure.create({
        type: 'InstanceTerminated',
        message: `${instanceId} was terminated while waiting for it to be ${target}`,
        nonRetryable: true,
      });
    }
    heartbeat(`${instanceId} is ${stateOf(instance)}, waiting for ${target}`);
    // A plain error: the activity's retry policy decides whether to try again.
    if (Date.now() > deadline)
      throw new Error(`${instanceId} did not become ${target} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function refuseTerminated(instance: Instance, action: string): void {
  const state = stateOf(instance);
  if (state === 'terminated' || state === 'shutting-down') {
    throw ApplicationFailure.create({
      type: 'InstanceTerminated',
      message: `Cannot ${action} ${instance.InstanceId}: it is ${state}`,
      nonRetryable: true,
    });
  }
}

async function tag(ec2: EC2Client, instanceId: string, key: string, value: string): Promise<void> {
  await ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: key, Value: value }] }));
}

/** Sends a mutating call with DryRun set: EC2 answers DryRunOperation when it would have done it. */
export async function confirmPermitted(
  instanceId: string,
  send: () => Promise<unknown>,
  what: string,
): Promise<RemediationResult> {
  try {
    await send();
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'DryRunOperation')
      return { instanceId, detail: `dry run: EC2 confirms ${what} would be permitted; nothing changed` };
    if (name === 'UnauthorizedOperation')
      return { instanceId, detail: `dry run: EC2 would refuse ${what} (not authorised); nothing changed` };
    throw err;
  }
  throw ApplicationFailure.create({
    type: 'DryRunIgnored',
    message: `EC2 performed ${what} despite DryRun`,
    nonRetryable: true,
  });
}

/** Side effects on EC2, each idempotent: every function checks the world before it acts. */
export function createEc2Remediations(ec2: EC2Client, heartbeat: () => Heartbeat) {
  async function startInstance(input: RemediationInput): Promise<RemediationResult> {
    let instance = await requireInstance(ec2, input.instanceId);
    refuseTerminated(instance, 'start');
    if (stateOf(instance) === 'running') {
      return { instanceId: input.instanceId, detail: 'already running; nothing to do' };
    }
    if (input.dryRun)
      return confirmPermitted(
        input.instanceId,
        () => ec2.send(new StartInstancesCommand({ InstanceIds: [input.instanceId], DryRun: true })),
        'StartInstances',
      );
    if (stateOf(instance) === 'stopping')
      instance = await waitForState(ec2, input.instanceId, 'stopped', heartbeat());
    if (stateOf(instance) !== 'pending')
      await ec2.send(new StartInstancesCommand({ InstanceIds: [input.instanceId] }));
    await waitForState(ec2, input.instanceId, 'running', heartbeat());
    return { instanceId: input.instanceId, detail: 'started; instance is running' };
  }

  async function rebootInstance(input: RemediationInput): Promise<RemediationResult> {
    const instance = await requireInstance(ec2, input.instanceId);
    refuseTerminated(instance, 'reboot');
    if (tagValue(instance, DONE_TAG) === input.idempotencyKey) {
      return { instanceId: input.instanceId, detail: 'reboot already done for this step' };
    }
    if (stateOf(instance) !== 'running') {
      throw ApplicationFailure.create({
        type: 'InstanceNotRunning',
        message: `Cannot reboot ${input.instanceId}: it is ${stateOf(instance)}`,
        nonRetryable: true,
      });
    }
    if (input.dryRun)
      return confirmPermitted(
        input.instanceId,
        () => ec2.send(new RebootInstancesCommand({ InstanceIds: [input.instanceId], DryRun: true })),
        'RebootInstances',
      );
    // At most once: the step is marked before the call. A crash between the mark and the call
    // means no reboot happened; the verification that follows notices and the plan moves on,
    // which is safer than rebooting a second time.
    if (tagValue(instance, REBOOT_MARK_TAG) === input.idempotencyKey) {
      return { instanceId: input.instanceId, detail: 'reboot already issued for this step' };
    }
    await tag(ec2, input.instanceId, REBOOT_MARK_TAG, input.idempotencyKey);
    await ec2.send(new RebootInstancesCommand({ InstanceIds: [input.instanceId] }));
    await tag(ec2, input.instanceId, DONE_TAG, input.idempotencyKey);
    return { instanceId: input.instanceId, detail: 'rebooted' };
  }

  async function stopStartInstance(input: RemediationInput): Promise<RemediationResult> {
    let instance = await requireInstance(ec2, input.instanceId);
    refuseTerminated(instance, 'stop-start');
    if (tagValue(instance, DONE_TAG) === input.idempotencyKey) {
      return { instanceId: input.instanceId, detail: 'stop-start already done for this step' };
    }
    if (input.dryRun)
      return confirmPermitted(
        input.instanceId,
        () => ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId], DryRun: true })),
        'StopInstances',
      );
    const pending = tagValue(instance, PENDING_TAG);
    const pendingSince = pending?.startsWith(`${input.idempotencyKey}@`)
      ? pending.slice(input.idempotencyKey.length + 1)
      : undefined;
    // A retry after a crash: if the instance was (re)launched after we marked the step, the
    // stop and start already happened and only the bookkeeping is missing.
    const relaunchedSinceMark =
      pendingSince !== undefined &&
      instance.LaunchTime !== undefined &&
      instance.LaunchTime.toISOString() > pendingSince;
    if (!(relaunchedSinceMark && stateOf(instance) === 'running')) {
      if (pendingSince === undefined) {
        await tag(ec2, input.instanceId, PENDING_TAG, `${input.idempotencyKey}@${new Date().toISOString()}`);
      }
      if (stateOf(instance) === 'running' || stateOf(instance) === 'pending') {
        await ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId] }));
      }
      instance = await waitForState(ec2, input.instanceId, 'stopped', heartbeat());
      await ec2.send(new StartInstancesCommand({ InstanceIds: [input.instanceId] }));
      await waitForState(ec2, input.instanceId, 'running', heartbeat());
    }
    await tag(ec2, input.instanceId, DONE_TAG, input.idempotencyKey);
    return {
      instanceId: input.instanceId,
      detail: 'stopped and started on new hardware; instance is running',
    };
  }

  async function findReplacement(idempotencyKey: string): Promise<Instance | undefined> {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: `tag:${IDEMPOTENCY_TAG}`, Values: [idempotencyKey] }],
      }),
    );
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => stateOf(i) !== 'terminated');
  }

  async function replaceInstance(input: RemediationInput): Promise<RemediationResult> {
    const old = await requireInstance(ec2, input.instanceId);
    let replacement = await findReplacement(input.idempotencyKey);
    if (!replacement) {
      const templateId = tagValue(old, LAUNCH_TEMPLATE_TAG) ?? tagValue(old, 'aws:ec2launchtemplate:id');
      if (!templateId) {
        throw ApplicationFailure.create({
          type: 'NoLaunchTemplate',
          message: `${input.instanceId} has no launch template tag; a replacement cannot be built`,
          nonRetryable: true,
        });
      }
      if (input.dryRun) {
        return confirmPermitted(
          input.instanceId,
          () =>
            ec2.send(
              new RunInstancesCommand({
                MinCount: 1,
                MaxCount: 1,
                LaunchTemplate: { LaunchTemplateId: templateId },
                SubnetId: old.SubnetId,
                DryRun: true,
              }),
            ),
          'RunInstances from the launch template',
        );
      }
      const carried: Tag[] = (old.Tags ?? []).filter(
        (t) =>
          t.Key &&
          !t.Key.startsWith('aws:') &&
          ![DONE_TAG, PENDING_TAG, REBOOT_MARK_TAG, IDEMPOTENCY_TAG].includes(t.Key),
      );
      const out = await ec2.send(
        new RunInstancesCommand({
          MinCount: 1,
          MaxCount: 1,
          LaunchTemplate: { LaunchTemplateId: templateId },
          SubnetId: old.SubnetId,
          // Real EC2 honours the token; the tag below makes the same guarantee visible to us.
          ClientToken: createHash('sha256').update(input.idempotencyKey).digest('hex'),
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                ...carried,
                { Key: IDEMPOTENCY_TAG, Value: input.idempotencyKey },
                { Key: REPLACES_TAG, Value: input.instanceId },
              ],
            },
          ],
        }),
      );
      replacement = out.Instances?.[0];
      if (!replacement?.InstanceId) throw new Error('RunInstances returned no instance');
    }
    const newId = replacement.InstanceId as string;
    await waitForState(ec2, newId, 'running', heartbeat());
    if (stateOf(old) !== 'terminated') {
      await ec2.send(new DeleteTagsCommand({ Resources: [input.instanceId], Tags: [{ Key: FLEET_TAG }] }));
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [input.instanceId] }));
    }
    return {
      instanceId: input.instanceId,
      newInstanceId: newId,
      detail: `replaced by ${newId} from the launch template; ${input.instanceId} terminated`,
    };
  }

  /** The cost agent's action. Idempotent: a stopped instance is left as it is. */
  async function stopInstance(input: RemediationInput): Promise<RemediationResult> {
    const instance = await requireInstance(ec2, input.instanceId);
    refuseTerminated(instance, 'stop');
    if (stateOf(instance) === 'stopped')
      return { instanceId: input.instanceId, detail: 'already stopped; nothing to do' };
    if (input.dryRun)
      return confirmPermitted(
        input.instanceId,
        () => ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId], DryRun: true })),
        'StopInstances',
      );
    if (stateOf(instance) !== 'stopping')
      await ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId] }));
    await waitForState(ec2, input.instanceId, 'stopped', heartbeat());
    return { instanceId: input.instanceId, detail: 'stopped; it no longer costs compute' };
  }

  /**
   * Reallocation: stop, change the type one size up (or down), start. The original type is recorded
   * with the step's key first, so a retry after a crash aims at the same target and never resizes twice.
   */
  async function resizeBy(input: RemediationInput, direction: 'up' | 'down'): Promise<RemediationResult> {
    let instance = await requireInstance(ec2, input.instanceId);
    refuseTerminated(instance, 'resize');
    if (tagValue(instance, DONE_TAG) === input.idempotencyKey)
      return { instanceId: input.instanceId, detail: 'resize already done for this step' };
    const recorded = tagValue(instance, RESIZED_FROM_TAG);
    const from = recorded?.startsWith(`${input.idempotencyKey}:`)
      ? recorded.slice(input.idempotencyKey.length + 1)
      : (instance.InstanceType ?? '');
    const target = direction === 'up' ? nextInstanceSize(from) : previousInstanceSize(from);
    if (!target)
      throw ApplicationFailure.create({
        type: direction === 'up' ? 'NoLargerSize' : 'NoSmallerSize',
        message: `No ${direction === 'up' ? 'larger' : 'smaller'} size than ${from || 'an unknown type'} for ${input.instanceId}`,
        nonRetryable: true,
      });
    if (input.dryRun)
      return confirmPermitted(
        input.instanceId,
        () => ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId], DryRun: true })),
        'StopInstances',
      );
    if (!recorded?.startsWith(`${input.idempotencyKey}:`))
      await tag(ec2, input.instanceId, RESIZED_FROM_TAG, `${input.idempotencyKey}:${from}`);
    if (instance.InstanceType !== target) {
      if (stateOf(instance) === 'running' || stateOf(instance) === 'pending')
        await ec2.send(new StopInstancesCommand({ InstanceIds: [input.instanceId] }));
      instance = await waitForState(ec2, input.instanceId, 'stopped', heartbeat());
      await ec2.send(
        new ModifyInstanceAttributeCommand({ InstanceId: input.instanceId, InstanceType: { Value: target } }),
      );
    }
    if (stateOf(await requireInstance(ec2, input.instanceId)) !== 'running') {
      await ec2.send(new StartInstancesCommand({ InstanceIds: [input.instanceId] }));
      await waitForState(ec2, input.instanceId, 'running', heartbeat());
    }
    await tag(ec2, input.instanceId, DONE_TAG, input.idempotencyKey);
    return { instanceId: input.instanceId, detail: `resized ${from} → ${target}; running` };
  }

  const resizeInstance = (input: RemediationInput) => resizeBy(input, 'up');
  const downsizeInstance = (input: RemediationInput) => resizeBy(input, 'down');

  return {
    startInstance,
    rebootInstance,
    stopStartInstance,
    replaceInstance,
    stopInstance,
    resizeInstance,
    downsizeInstance,
  };
}
