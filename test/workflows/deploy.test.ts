import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeListenersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { WorkflowHandle } from '@temporalio/client';
import { TASK_QUEUES } from '../../domain/config';
import type { DeployRequest } from '../../domain/deploy';
import { deployDecisionUpdate, deployStateQuery, type DeployState } from '../../workflows/deploy';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';
import { createReleaseGroup, groupInstances, reportCpu } from '../support/release-group';

let h: MedicHarness;
let groups = 0;
/** Groups whose new version (t3.small) runs hot: the injected bad release. */
const badReleases = new Set<string>();
const watched: string[] = [];
let stopCpu: () => void = () => undefined;

beforeAll(async () => {
  h = await startHarness('deploy');
  stopCpu = reportCpu(
    h.aws,
    () => watched,
    (type) => (type === 't3.small' && watched.some((g) => badReleases.has(g)) ? 99 : 35),
  );
}, 120_000);

afterAll(async () => {
  stopCpu();
  await h?.teardown();
});

async function service(size: number, options: { bad?: boolean } = {}) {
  const name = `rel-${process.pid}-${++groups}`;
  const created = await createReleaseGroup(h.aws, name, size);
  watched.splice(0, watched.length, name, `${name}-v${created.newVersion}`);
  badReleases.clear();
  if (options.bad) badReleases.add(name);
  return created;
}

const deploy = (request: DeployRequest) =>
  h.env.client.workflow.start('deployWorkflow', {
    taskQueue: TASK_QUEUES.delivery,
    workflowId: `deploy-${request.group}`,
    args: [request],
  });

async function group(name: string) {
  const out = await h.aws.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  return out.AutoScalingGroups?.[0];
}
const types = async (name: string) => (await groupInstances(h.aws, name)).map((i) => i.type).sort();
/** The target group the listener forwards to now. */
const listenerTarget = async (listenerArn: string) =>
  (await h.aws.elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))).Listeners?.[0]
    ?.DefaultActions?.[0]?.TargetGroupArn;
/** Waits until the deploy asks a person to promote or roll back; its state then. */
const awaitingPromotion = (handle: WorkflowHandle) =>
  eventually(
    async () => {
      const s = await handle.query(deployStateQuery);
      return s.status === 'awaiting_promotion' ? s : undefined;
    },
    60_000,
    'the deploy to wait for a person',
  );

describe('safe deploys', () => {
  test('canary, AUTO: a healthy version replaces the group step by step (1, 50 %, 100 %) and becomes its version', async () => {
    const svc = await service(4);
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'canary',
      bake: '4s',
      mode: 'auto',
    });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('deployed');
    expect(state.targets).toEqual([1, 2, 4]);
    expect(state.verdicts.map((v) => v.healthy)).toEqual([true, true, true]);
    expect(state.retiredInstances).toHaveLength(4);
    expect(await types(svc.group)).toEqual(['t3.small', 't3.small', 't3.small', 't3.small']);
    const after = await group(svc.group);
    expect(after?.LaunchTemplate?.Version).toBe(svc.newVersion);
    expect([after?.DesiredCapacity, after?.MaxSize]).toEqual([4, 6]);
  });

  test('canary, AUTO: a bad version (hot CPU on the canary) is rolled back after the first step', async () => {
    const svc = await service(3, { bad: true });
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'canary',
      bake: '6s',
      mode: 'auto',
    });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('rolled_back');
    expect(state.step).toBe(1);
    expect(state.verdicts[0]?.reasons.join(' ')).toMatch(/CPU above 90/);
    expect(state.conclusion).toContain('Bad signal');
    expect(await types(svc.group)).toEqual(['t3.micro', 't3.micro', 't3.micro']);
    const after = await group(svc.group);
    expect(after?.LaunchTemplate?.Version).toBe('1');
    expect([after?.DesiredCapacity, after?.MaxSize]).toEqual([3, 5]);
  });

  test('canary: an incident the detection loop opens on a new instance during the bake rolls the release back', async () => {
    const svc = await service(2);
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'canary',
      bake: '10s',
      mode: 'auto',
    });
    const baking = await eventually(
      async () => {
        const s = await handle.query(deployStateQuery);
        return s.status === 'baking' && s.newInstances.length === 1 ? s : undefined;
      },
      60_000,
      'the first canary to bake',
    );
    const canary = baking.newInstances[0];
    const incident = await h.open({ resourceId: canary, kind: 'cpu-high', source: 'detector:test' });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('rolled_back');
    expect(state.verdicts[0]?.reasons.join(' ')).toContain(
      `incident ${incident.workflowId} (cpu-high) opened on ${canary}`,
    );
    expect(await types(svc.group)).toEqual(['t3.micro', 't3.micro']);
  });

  test('canary, MANUAL: waits for a person between steps; a rollback then restores the old version', async () => {
    const svc = await service(2);
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'canary',
      bake: '2s',
      mode: 'manual',
    });
    expect((await awaitingPromotion(handle)).step).toBe(1);
    await expect(
      handle.executeUpdate(deployDecisionUpdate, { args: [{ decision: 'promote', by: '' }] }),
    ).rejects.toThrow();
    expect(await types(svc.group)).toEqual(['t3.micro', 't3.small']);
    await handle.executeUpdate(deployDecisionUpdate, {
      args: [{ decision: 'rollback', by: 'release-manager' }],
    });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('rolled_back');
    expect(state.timeline.some((t) => t.message.includes('rollback by release-manager'))).toBe(true);
    expect(await types(svc.group)).toEqual(['t3.micro', 't3.micro']);
  });

  test('blue-green: a healthy green group takes the listener; blue is drained and kept', async () => {
    const svc = await service(2);
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'blue-green',
      bake: '3s',
      mode: 'auto',
    });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('deployed');
    expect(state.liveGroup).toBe(`${svc.group}-v${svc.newVersion}`);
    expect(await listenerTarget(svc.listenerArn)).not.toBe(svc.targetGroupArn);
    expect(await types(state.liveGroup)).toEqual(['t3.small', 't3.small']);
    expect((await group(svc.group))?.DesiredCapacity).toBe(0);
  });

  test('blue-green, MANUAL: the listener switches only when a person promotes the baked green group', async () => {
    const svc = await service(2);
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'blue-green',
      bake: '2s',
      mode: 'manual',
    });
    await awaitingPromotion(handle);
    expect(await listenerTarget(svc.listenerArn)).toBe(svc.targetGroupArn);
    await handle.executeUpdate(deployDecisionUpdate, {
      args: [{ decision: 'promote', by: 'release-manager' }],
    });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('deployed');
    expect(state.timeline.some((t) => t.message.includes('promote by release-manager'))).toBe(true);
    expect(await listenerTarget(svc.listenerArn)).not.toBe(svc.targetGroupArn);
    expect(await types(state.liveGroup)).toEqual(['t3.small', 't3.small']);
  });

  test('blue-green: a bad green group never gets the listener and is removed', async () => {
    const svc = await service(2, { bad: true });
    const handle = await deploy({
      group: svc.group,
      version: svc.newVersion,
      strategy: 'blue-green',
      bake: '6s',
      mode: 'auto',
    });
    const state = (await handle.result()) as DeployState;
    expect(state.status).toBe('rolled_back');
    expect(await listenerTarget(svc.listenerArn)).toBe(svc.targetGroupArn);
    expect(await group(`${svc.group}-v${svc.newVersion}`)).toBeUndefined();
    expect(await types(svc.group)).toEqual(['t3.micro', 't3.micro']);
  });
});
