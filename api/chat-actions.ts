import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { TASK_QUEUES } from '../domain/config';
import type { CapacityChange } from '../domain/scaling/requested';
import type { TroubleshootReport } from '../domain/troubleshoot';
import { capacityRequestWorkflow, type CapacityRequestResult } from '../workflows/capacity-request';
import { troubleshootWorkflow } from '../workflows/troubleshoot';
import { codeRequestWorkflow } from '../workflows/code-request';
import type { GeneratedCode } from '../activities/codegen';
import {
  blockSourceWorkflow,
  blockSourceWorkflowId,
  blockStateQuery,
  type BlockState,
} from '../workflows/block-source';

/** What chat can start beyond incidents and tasks: each is a workflow, so it shows in the Web UI. */
export interface ChatActions {
  troubleshoot(
    topic: string,
    resourceIds: string[],
    by: string,
  ): Promise<TroubleshootReport & { workflowId: string }>;
  scale(
    group: string,
    change: CapacityChange,
    by: string,
    reason: string,
  ): Promise<CapacityRequestResult & { workflowId: string }>;
  /** Denies a source at the managed subnets' network ACLs for `duration`; blocking again finds the same block. */
  block(
    cidr: string,
    duration: string,
    by: string,
    reason: string,
  ): Promise<BlockState & { workflowId: string }>;
  /** Code for a common cloud task from the coding agent's templates, checked before it answers. */
  generateCode(request: string, by: string): Promise<GeneratedCode & { workflowId: string }>;
  /** Auto Scaling group names, for "scale up my resources" without a group. */
  groups(): Promise<string[]>;
  /** An instance id from a Name tag (web-1), or undefined. */
  instanceNamed(name: string): Promise<string | undefined>;
}

/** A chat answer waits for these workflows; a stuck one is reported, not waited on forever. */
const WAIT = '60 seconds';

export function temporalChatActions(
  temporal: Client,
  ec2: EC2Client,
  autoscaling: AutoScalingClient,
): ChatActions {
  return {
    async troubleshoot(topic, resourceIds, by) {
      const workflowId = `troubleshoot-${randomUUID()}`;
      const report = await temporal.workflow.execute(troubleshootWorkflow, {
        taskQueue: TASK_QUEUES.monitoring,
        workflowId,
        workflowExecutionTimeout: WAIT,
        args: [{ topic, resourceIds, requestedBy: by }],
      });
      return { ...report, workflowId };
    },
    async generateCode(request, by) {
      const workflowId = `code-request-${randomUUID()}`;
      const generated = await temporal.workflow.execute(codeRequestWorkflow, {
        taskQueue: TASK_QUEUES.coding,
        workflowId,
        workflowExecutionTimeout: WAIT,
        args: [{ request, requestedBy: by }],
      });
      return { ...generated, workflowId };
    },
    async scale(group, change, by, reason) {
      const workflowId = `capacity-${group}-${randomUUID()}`;
      const result = await temporal.workflow.execute(capacityRequestWorkflow, {
        taskQueue: TASK_QUEUES.scaling,
        workflowId,
        workflowExecutionTimeout: WAIT,
        args: [{ group, change, requestedBy: by, reason }],
      });
      return { ...result, workflowId };
    },
    async block(cidr, duration, by, reason) {
      const workflowId = blockSourceWorkflowId(cidr);
      const handle = await temporal.workflow.start(blockSourceWorkflow, {
        taskQueue: TASK_QUEUES.security,
        workflowId,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ cidr, duration, requestedBy: by, reason }],
      });
      // The block holds for its duration; the answer waits only until the deny is in place.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const state = await handle.query(blockStateQuery).catch(() => undefined);
        if (state && state.status !== 'blocking') return { ...state, workflowId };
        if (Date.now() > deadline) throw new Error(`${workflowId} did not report within 60 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async groups() {
      const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100 }));
      return (out.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName ?? '').filter((n) => n !== '');
    },
    async instanceNamed(name) {
      const out = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:Name', Values: [name] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
        }),
      );
      return out.Reservations?.flatMap((r) => r.Instances ?? [])[0]?.InstanceId;
    },
  };
}
