import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { TASK_QUEUES } from '../../domain/config';
import { scalingAgentWorkflowId } from '../../domain/ids';
import { createFleetGroup, desiredCapacity } from '../support/groups';
import { scalingAgentWorkflow, scalingStateQuery, stopScalingSignal } from '../../workflows/scaling-agent';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;

beforeAll(async () => {
  h = await startHarness('scaling');
}, 120_000);

afterAll(async () => h?.teardown());

const desiredOf = (name: string) => desiredCapacity(h.aws, name);

const publishCpu = (group: string, value: number) =>
  h.aws.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/EC2',
      MetricData: [
        {
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
          Timestamp: new Date(),
          Value: value,
          Unit: 'Percent',
        },
      ],
    }),
  );

describe('scaling agent', () => {
  test('scales a group out on high CPU, holds through the cool-down, then scales in to the minimum', async () => {
    const group = await createFleetGroup(h.aws, `scale-${process.pid}`, { min: 1, max: 6, desired: 2 });
    await publishCpu(group, 95);
    const handle = await h.env.client.workflow.start(scalingAgentWorkflow, {
      workflowId: scalingAgentWorkflowId(group),
      taskQueue: TASK_QUEUES.scaling,
      args: [
        {
          group,
          intervalSeconds: 2,
          policy: { targetCpuPercent: 60, minSize: 1, maxSize: 5, cooldownSeconds: 8 },
        },
      ],
    });
    await eventually(
      async () => ((await desiredOf(group)) === 4 ? true : undefined),
      30_000,
      'scale out to 4',
    );

    // The load drops at once; the agent waits out its cool-down before scaling in.
    await new Promise((r) => setTimeout(r, 7000));
    await publishCpu(group, 10);
    expect(await desiredOf(group)).toBe(4);
    await eventually(
      async () => {
        await publishCpu(group, 10);
        return (await desiredOf(group)) === 1 ? true : undefined;
      },
      40_000,
      'scale in to 1',
    );
    const state = await handle.query(scalingStateQuery);
    expect(state.actions.map((a) => `${a.from}->${a.to}`)).toEqual(['2->4', '4->1']);
    const gap = Date.parse(state.actions[1]?.at ?? '') - Date.parse(state.actions[0]?.at ?? '');
    expect(gap).toBeGreaterThanOrEqual(8000);
    await handle.signal(stopScalingSignal);
    await handle.result();
  });
});
