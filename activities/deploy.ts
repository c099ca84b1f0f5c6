import {
  AttachInstancesCommand,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DeleteTagsCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { INCIDENT_TYPES_CLAUSE, resourcesClause } from '../domain/ids';
import { MEDIC_KIND, MEDIC_RESOURCE } from '../workflows/search-attributes';
import type { ReleaseEvidence } from '../domain/deploy';
import { waitForState, type Heartbeat } from './ec2-remediation';
import { readEc2Metrics } from './metrics';
import { describeGroup } from './scaling';
import { DEPLOY_TAG, FLEET_TAG } from './tags';

export interface GroupRelease {
  group: string;
  launchTemplateId: string;
  /** The version the group launches now. */
  version: string;
  desired: number;
  minSize: number;
  maxSize: number;
  /** Instances in service, and the subnets and target groups the group uses. */
  instanceIds: string[];
  subnets: string;
  targetGroupArns: string[];
  tags: { Key: string; Value: string }[];
}

/**
 * The delivery agent's side effects: launch instances of a launch template version into a group,
 * retire old ones, read the release's health, and for blue-green build the green group and switch
 * the load balancer's listener. Every call is "make it so": a retried activity finds its own work.
 */
export function createDeployActivities(
  clients: {
    ec2: EC2Client;
    autoscaling: AutoScalingClient;
    cloudwatch: CloudWatchClient;
    elbv2: ElasticLoadBalancingV2Client;
    temporal: Client;
  },
  settings: { metricPeriodSeconds: number },
  heartbeat: () => Heartbeat,
) {
  const { ec2, autoscaling, cloudwatch, elbv2 } = clients;

  async function release(group: string): Promise<GroupRelease> {
    const found = await describeGroup(autoscaling, group);
    const template =
      found.LaunchTemplate ?? found.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (!template?.LaunchTemplateId)
      throw ApplicationFailure.nonRetryable(
        `${group} does not launch from a launch template`,
        'NoLaunchTemplate',
      );
    return {
      group,
      launchTemplateId: template.LaunchTemplateId,
      version: template.Version ?? '$Default',
      desired: found.DesiredCapacity ?? 0,
      minSize: found.MinSize ?? 0,
      maxSize: found.MaxSize ?? 0,
      instanceIds: (found.Instances ?? [])
        .filter((i) => i.LifecycleState === 'InService' || i.LifecycleState === 'Pending')
        .map((i) => i.InstanceId ?? ''),
      subnets: found.VPCZoneIdentifier ?? '',
      targetGroupArns: found.TargetGroupARNs ?? [],
      tags: (found.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
    };
  }

  /** Incidents on these instances that started since `since` (any agent, any status). */
  async function incidentsOn(instanceIds: string[], since: string) {
    if (instanceIds.length === 0) return [];
    const found: { id: string; kind: string; resourceId: string }[] = [];
    for await (const execution of clients.temporal.workflow.list({
      query: `${INCIDENT_TYPES_CLAUSE} AND ${resourcesClause(instanceIds)} AND StartTime >= '${new Date(since).toISOString()}'`,
    }))
      found.push({
        id: execution.workflowId,
        kind: String(execution.typedSearchAttributes.get(MEDIC_KIND) ?? ''),
        resourceId: String(execution.typedSearchAttributes.get(MEDIC_RESOURCE) ?? ''),
      });
    return found;
  }

  async function launchedBy(deployId: string, step: string): Promise<string[]> {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${DEPLOY_TAG}`, Values: [`${deployId}/${step}`] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? '');
  }

  return {
    async describeRelease(input: { group: string }): Promise<GroupRelease> {
      return release(input.group);
    },

    /**
     * Launches `count` instances of the version into the group (attached, so the group and its target
     * groups count them). The step's tag and EC2's client token make a retry find the same instances.
     */
    async launchReleaseInstances(input: {
      group: string;
      deployId: string;
      step: string;
      version: string;
      count: number;
    }): Promise<string[]> {
      const current = await release(input.group);
      let ids = await launchedBy(input.deployId, input.step);
      if (ids.length < input.count) {
        const propagated = current.tags.filter((t) => !t.Key.startsWith('aws:'));
        const out = await ec2.send(
          new RunInstancesCommand({
            MinCount: input.count - ids.length,
            MaxCount: input.count - ids.length,
            LaunchTemplate: { LaunchTemplateId: current.launchTemplateId, Version: input.version },
            SubnetId: current.subnets.split(',')[0] || undefined,
            ClientToken: `${input.deployId}/${input.step}`.slice(0, 64),
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: [...propagated, { Key: DEPLOY_TAG, Value: `${input.deployId}/${input.step}` }],
              },
            ],
          }),
        );
        ids = [...ids, ...(out.Instances ?? []).map((i) => i.InstanceId ?? '')];
      }
      for (const id of ids) await waitForState(ec2, id, 'running', heartbeat());
      const attached = new Set((await release(input.group)).instanceIds);
      const toAttach = ids.filter((id) => !attached.has(id));
      if (toAttach.length > 0) {
        // Attaching raises desired capacity; make room above the maximum for the surge.
        const group = await release(input.group);
        if (group.desired + toAttach.length > group.maxSize)
          await autoscaling.send(
            new UpdateAutoScalingGroupCommand({
              AutoScalingGroupName: input.group,
              MaxSize: group.desired + toAttach.length,
            }),
          );
        await autoscaling.send(
          new AttachInstancesCommand({ AutoScalingGroupName: input.group, InstanceIds: toAttach }),
        );
      }
      return ids;
    },

    /**
     * Takes old instances out: the fleet tag first (so self-healing does not replace them), then a
     * termination that lowers the group's desired capacity. Gone ones are skipped.
     */
    async retireInstances(input: {
      group: string;
      instanceIds: string[];
      maxSize?: number;
    }): Promise<number> {
      const inGroup = new Set((await release(input.group)).instanceIds);
      let retired = 0;
      for (const id of input.instanceIds.filter((i) => inGroup.has(i))) {
        await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: FLEET_TAG }] }));
        await autoscaling.send(
          new TerminateInstanceInAutoScalingGroupCommand({
            InstanceId: id,
            ShouldDecrementDesiredCapacity: true,
          }),
        );
        retired++;
      }
      if (input.maxSize !== undefined)
        await autoscaling.send(
          new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: input.group, MaxSize: input.maxSize }),
        );
      return retired;
    },

    /** Restores the group's maximum after a release raised it for the surge. Idempotent. */
    async restoreGroupMaxSize(input: { group: string; maxSize: number }): Promise<void> {
      await autoscaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: input.group, MaxSize: input.maxSize }),
      );
    },

    /** The version later launches (scale-outs, self-healing replacements) use. */
    async setGroupVersion(input: { group: string; version: string }): Promise<void> {
      const current = await release(input.group);
      if (current.version === input.version) return;
      await autoscaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: input.group,
          LaunchTemplate: { LaunchTemplateId: current.launchTemplateId, Version: input.version },
        }),
      );
    },

    /** Alarms, status checks and CPU of the new instances (and of the old ones, for comparison). */
    async releaseEvidence(input: {
      group: string;
      canaryIds: string[];
      baselineIds: string[];
      since: string;
    }): Promise<ReleaseEvidence> {
      const watched = new Set([input.group, ...input.canaryIds]);
      const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
      const alarmsFiring = (alarms.MetricAlarms ?? [])
        .filter((a) => (a.Dimensions ?? []).some((d) => watched.has(d.Value ?? '')))
        .map((a) => a.AlarmName ?? '');
      const statuses = input.canaryIds.length
        ? await ec2.send(
            new DescribeInstanceStatusCommand({ InstanceIds: input.canaryIds, IncludeAllInstances: true }),
          )
        : { InstanceStatuses: [] };
      const unhealthy = (statuses.InstanceStatuses ?? [])
        .filter(
          (s) =>
            s.InstanceState?.Name !== 'running' ||
            s.InstanceStatus?.Status === 'impaired' ||
            s.SystemStatus?.Status === 'impaired',
        )
        .map((s) => s.InstanceId ?? '');
      const all = [...input.canaryIds, ...input.baselineIds];
      const metrics = await readEc2Metrics(
        cloudwatch,
        all.map((instanceId) => ({ instanceId, metric: 'CPUUtilization' as const })),
        new Date(input.since),
        new Date(Date.now() + 60_000),
        settings.metricPeriodSeconds,
        'exact-start',
      );
      const cpu = (ids: string[]) =>
        Object.fromEntries(
          ids.map((id) => [id, (metrics.get(`${id}/CPUUtilization`) ?? []).map((p) => p.value)]),
        );
      return {
        alarmsFiring,
        unhealthy,
        canaryCpu: cpu(input.canaryIds),
        baselineCpu: cpu(input.baselineIds),
        incidents: await incidentsOn(input.canaryIds, input.since),
      };
    },

    /** Blue-green: a green group like the blue one on the new version, behind its own target group. */
    async createGreenGroup(input: { group: string; deployId: string; version: string }): Promise<{
      greenGroup: string;
      targetGroupArn: string;
      instanceIds: string[];
    }> {
      const blue = await release(input.group);
      const blueTarget = blue.targetGroupArns[0];
      if (!blueTarget)
        throw ApplicationFailure.nonRetryable(`${input.group} is behind no target group`, 'NoTargetGroup');
      const described = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [blueTarget] }));
      const template = described.TargetGroups?.[0];
      const suffix = `-v${input.version}`;
      const greenGroup = `${input.group}${suffix}`;
      const targetName = `${(template?.TargetGroupName ?? input.group).slice(0, 32 - suffix.length)}${suffix}`;
      const existing = await elbv2
        .send(new DescribeTargetGroupsCommand({ Names: [targetName] }))
        .then((out) => out.TargetGroups?.[0]?.TargetGroupArn)
        .catch((err: { name?: string }) => {
          if (err.name === 'TargetGroupNotFoundException') return undefined;
          throw err;
        });
      const targetGroupArn =
        existing ??
        (
          await elbv2.send(
            new CreateTargetGroupCommand({
              Name: targetName,
              Protocol: template?.Protocol,
              Port: template?.Port,
              VpcId: template?.VpcId,
              HealthCheckPath: template?.HealthCheckPath,
              Tags: [{ Key: DEPLOY_TAG, Value: input.deployId }],
            }),
          )
        ).TargetGroups?.[0]?.TargetGroupArn;
      if (!targetGroupArn) throw new Error(`target group ${targetName} was not created`);
      const there = await autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [greenGroup] }),
      );
      if (!there.AutoScalingGroups?.length)
        await autoscaling.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: greenGroup,
            LaunchTemplate: { LaunchTemplateId: blue.launchTemplateId, Version: input.version },
            MinSize: blue.minSize,
            MaxSize: blue.maxSize,
            DesiredCapacity: blue.desired,
            VPCZoneIdentifier: blue.subnets || undefined,
            TargetGroupARNs: [targetGroupArn],
            Tags: [
              ...blue.tags
                .filter((t) => !t.Key.startsWith('aws:'))
                .map((t) => ({ ...t, PropagateAtLaunch: true })),
              { Key: DEPLOY_TAG, Value: input.deployId, PropagateAtLaunch: true },
            ],
          }),
        );
      const green = await release(greenGroup);
      for (const id of green.instanceIds) await waitForState(ec2, id, 'running', heartbeat());
      return { greenGroup, targetGroupArn, instanceIds: green.instanceIds };
    },

    /** The listener that forwards to the group's (first) target group, found from the load balancer. */
    async findListener(input: { group: string }): Promise<{ listenerArn: string; targetGroupArn: string }> {
      const blue = await release(input.group);
      const targetGroupArn = blue.targetGroupArns[0];
      if (!targetGroupArn)
        throw ApplicationFailure.nonRetryable(`${input.group} is behind no target group`, 'NoTargetGroup');
      const described = await elbv2.send(
        new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }),
      );
      for (const lb of described.TargetGroups?.[0]?.LoadBalancerArns ?? []) {
        const listeners = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
        const forwarding = (listeners.Listeners ?? []).find((l) =>
          (l.DefaultActions ?? []).some((a) => a.TargetGroupArn === targetGroupArn),
        );
        if (forwarding?.ListenerArn) return { listenerArn: forwarding.ListenerArn, targetGroupArn };
      }
      throw ApplicationFailure.nonRetryable(
        `no load balancer listener forwards to ${input.group}'s target group`,
        'NoListener',
      );
    },

    /** Points the listener at a target group; idempotent. */
    async switchListener(input: { listenerArn: string; targetGroupArn: string }): Promise<void> {
      await elbv2.send(
        new ModifyListenerCommand({
          ListenerArn: input.listenerArn,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: input.targetGroupArn }],
        }),
      );
    },

    /** Blue after a good switch: no instances, kept (with its settings) for a rollback by hand. */
    async drainGroup(input: { group: string }): Promise<void> {
      await autoscaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: input.group,
          MinSize: 0,
          DesiredCapacity: 0,
        }),
      );
    },

    /** Green after a bad signal: the group and its target group go away; missing ones are fine. */
    async deleteGreenGroup(input: { greenGroup: string; targetGroupArn: string }): Promise<void> {
      await autoscaling
        .send(
          new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: input.greenGroup, ForceDelete: true }),
        )
        .catch((err: { name?: string; message?: string }) => {
          if (!/not found|does not exist/i.test(err.message ?? '')) throw err;
        });
      await elbv2
        .send(new DeleteTargetGroupCommand({ TargetGroupArn: input.targetGroupArn }))
        .catch((err: { name?: string }) => {
          if (err.name !== 'TargetGroupNotFoundException') throw err;
        });
    },
  };
}
