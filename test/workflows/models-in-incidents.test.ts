import { DETECTOR_VERSION } from '../../domain/anomaly/detector';
import { CreateTagsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { createChaos } from '../../activities/chaos';
import { createDiagnosisActivities } from '../../activities/diagnosis';
import { createFleet } from '../../activities/fleet';
import { DATABASES_TAG, DEPLOY_TAG, FLEET_TAG } from '../../activities/tags';
import { readFleetInstances } from '../../activities/fleet-graph';
import { fleetGraph } from '../../domain/rootcause/live';
import { createLoadBalancedTargetGroup, createNetwork, createReleaseGroup } from '../support/release-group';
import { eventually } from '../support/env';
import { symptomsOf } from '../../domain/policy/experience';
import { createModelStore } from '../../activities/model-store';
import { SHIPPED_ROOT_CAUSE_MODEL } from '../../domain/rootcause/ranking';
import type { IncidentReport } from '../../domain/incident';
import { decisionUpdate } from '../../workflows/messages';
import { learn } from '../../domain/policy/bandit';
import { trainBandit } from '../../domain/policy/evaluate';
import { contextOf } from '../../domain/policy/incident-simulator';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;

const BUCKET = `medic-rc-models-${process.pid}`;

/** Stores a version in the test registry and makes it the active one, as promotion does. */
async function promoteForTest(
  model: string,
  version: string,
  parameters: unknown,
  metrics: Record<string, number>,
): Promise<void> {
  const store = createModelStore(h.aws.s3, BUCKET);
  await store.ensureBucket();
  await store.putVersion({
    model,
    version,
    parameters,
    training: { seed: 7, examples: 3000, heldOutSeed: 8 },
    metrics,
    createdAt: new Date().toISOString(),
  });
  await store.setActive({ model, version, history: [], changedAt: new Date().toISOString(), reason: 'test' });
}

beforeAll(async () => {
  h = await startHarness('root-cause', { MEDIC_MODEL_BUCKET: BUCKET });
  // The registry's active version is the one that ranks (same weights, its own name).
  await promoteForTest('rootcause', 'rootcause-promoted-7', SHIPPED_ROOT_CAUSE_MODEL, { top1: 0.9 });
}, 120_000);

afterAll(async () => h?.teardown());

describe('root-cause ranking in the incident', () => {
  test('when several instances of a fleet alarm together, the incident ranks the likely cause and names the model', async () => {
    const fleet = `rc-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 3, manualCount: 3 });
    const ids = instances.map((i) => i.instanceId);
    const handles = [];
    for (const instanceId of ids) {
      const handle = await h.open({
        resourceId: instanceId,
        kind: 'cpu-high',
        source: 'detector:rc',
        detectorVersion: DETECTOR_VERSION,
      });
      handles.push(await h.stateWhen(handle, 'awaiting_approval').then(() => handle));
    }
    const first = await h.stateWhen(handles[0], 'awaiting_approval');
    const last = await h.stateWhen(handles[2], 'awaiting_approval');
    // Alone when it opened: nothing to rank. The third one opened beside two others.
    expect(first.rootCause).toBeUndefined();
    expect(last.rootCause?.alarming).toEqual([...ids].sort());
    expect(last.rootCause?.top).toHaveLength(3);
    expect(last.rootCause?.modelVersion).toBe('rootcause-promoted-7');
    expect(last.models).toMatchObject({
      detector: DETECTOR_VERSION,
      rootcause: last.rootCause?.modelVersion,
    });
    expect(
      last.timeline.some((t) => t.message.startsWith(`Root-cause ranking (${last.rootCause?.modelVersion})`)),
    ).toBe(true);

    for (const handle of handles)
      await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'ops' }] });
    const report = (await handles[2].result()) as IncidentReport;
    expect(report.rootCause?.top[0]?.resource).toBe(last.rootCause?.top[0]?.resource);
    expect(report.models?.rootcause).toBe(last.rootCause?.modelVersion);
  });
});

describe('the live graph beyond EC2: databases from tags, load balancers from the groups', () => {
  test('latency on the two instances that share a tagged database ranks the database as their likely cause', async () => {
    const fleet = `rcdb-${process.pid}`;
    const database = `db-orders-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 3, manualCount: 3 });
    const [onDb1, onDb2] = instances.map((i) => i.instanceId);
    await h.aws.ec2.send(
      new CreateTagsCommand({
        Resources: [onDb1 ?? '', onDb2 ?? ''],
        Tags: [{ Key: DATABASES_TAG, Value: ` ${database} ` }],
      }),
    );
    const handles = [];
    for (const instanceId of [onDb1, onDb2]) {
      const handle = await h.open({ resourceId: instanceId ?? '', kind: 'latency-high', source: 'test' });
      handles.push(await h.stateWhen(handle, 'awaiting_approval').then(() => handle));
    }
    const second = await h.stateWhen(handles[1], 'awaiting_approval');
    expect(second.rootCause?.alarming).toEqual([onDb1, onDb2].sort());
    expect(second.rootCause?.top[0]?.resource).toBe(database);
    expect(second.rootCause?.causeOfResource).toBe(database);
    expect(second.timeline.some((t) => t.message.includes(`The likeliest cause is ${database}`))).toBe(true);
    for (const handle of handles)
      await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'ops' }] });
  });

  test("an Auto Scaling group's instances are read with the load balancer in front of them", async () => {
    const name = `rclb-${process.pid}`;
    await createReleaseGroup(h.aws, name, 2);
    const read = await eventually(
      async () => {
        const found = await readFleetInstances(h.aws, name);
        return found.length === 2 ? found : undefined;
      },
      30_000,
      "the group's two instances",
    );
    expect(read.map((i) => i.loadBalancers)).toEqual([[`${name}-lb`], [`${name}-lb`]]);
    // Its group, so the ranking knows which instances serve the same requests (decision 0067).
    expect(read.map((i) => i.group)).toEqual([name, name]);
    expect(read.every((i) => i.databases === undefined)).toBe(true);
    const graph = fleetGraph(read);
    expect(graph.dependsOn[`${name}-lb`]?.sort()).toEqual(read.map((i) => i.instanceId).sort());
  });
  test('an instance registered by hand, outside any group, is read with the load balancer in front of it', async () => {
    const name = `rchand-${process.pid}`;
    const network = await createNetwork(h.aws, 61);
    const run = await h.aws.ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 't3.micro',
        MinCount: 2,
        MaxCount: 2,
        SubnetId: network.subnets[0],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: FLEET_TAG, Value: name }] }],
      }),
    );
    const [registered, alone] = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
    const { targetGroupArn } = await createLoadBalancedTargetGroup(h.aws, name, network);
    await h.aws.elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: targetGroupArn,
        Targets: [{ Id: registered ?? '', Port: 80 }],
      }),
    );

    const read = await readFleetInstances(h.aws, name);
    const byId = new Map(read.map((i) => [i.instanceId, i]));
    expect(byId.get(registered ?? '')?.loadBalancers).toEqual([`${name}-lb`]);
    expect(byId.get(alone ?? '')?.loadBalancers).toBeUndefined();
    expect(fleetGraph(read).dependsOn[`${name}-lb`]).toEqual([registered]);
  });
});

describe('the learned remediation policy in the incident', () => {
  test('a promoted policy that learnt reboots do not fix these status checks puts stop-start first, says why, and is named', async () => {
    // Simulated training, then what real incidents taught it: when a status check fails and the
    // diagnosis cannot say it was the instance's, reboots failed and stop-starts recovered (learnt as
    // the retraining workflow learns real attempts).
    const policy = trainBandit(11, 400);
    for (let i = 0; i < 40; i++) {
      learn(policy, contextOf(['system_check_failed']), 'reboot', -0.5);
      learn(policy, contextOf(['system_check_failed']), 'stop-start', 0.9);
    }
    await promoteForTest('remediation-policy', 'remediation-policy-learnt-3', policy, {
      firstActionSuccess: 0.9,
    });
    const { instances } = await createFleet(h.aws, {
      fleet: `policy-${process.pid}`,
      size: 1,
      manualCount: 1,
    });
    const handle = await h.open({ resourceId: instances[0]?.instanceId ?? '', kind: 'status-check-failed' });
    const state = await h.stateWhen(handle, 'awaiting_approval');
    expect(state.plan.map((s) => s.action)).toEqual([
      'stop-start-instance',
      'reboot-instance',
      'replace-instance',
    ]);
    expect(state.plan[0]?.reason).toMatch(
      /^Chosen first by the remediation policy remediation-policy-learnt-3/,
    );
    expect(state.models?.['remediation-policy']).toBe('remediation-policy-learnt-3');
    expect(
      state.timeline.some((t) => t.message.includes('put stop-start-instance before reboot-instance')),
    ).toBe(true);
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'ops' }] });
    const report = (await handle.result()) as IncidentReport;
    expect(report.models?.['remediation-policy']).toBe('remediation-policy-learnt-3');
  });
});

describe('what the policy sees of a live incident', () => {
  test('diagnosis reads memory and swap from the CloudWatch agent and the deploy that launched the instance', async () => {
    const { instances } = await createFleet(h.aws, { fleet: `diag-${process.pid}`, size: 2, manualCount: 0 });
    const [starved, deployed] = instances.map((i) => i.instanceId);
    await createChaos(h.aws.ec2, h.aws.cloudwatch).memoryPressure(starved);
    await h.aws.ec2.send(
      new CreateTagsCommand({ Resources: [deployed], Tags: [{ Key: DEPLOY_TAG, Value: 'deploy-web-42/1' }] }),
    );
    const { diagnoseInstance } = createDiagnosisActivities(h.aws.ec2, h.aws.cloudwatch, {
      metricPeriodSeconds: 10,
      cpuHighPercent: 90,
      latencyHighMs: 1000,
    });

    const short = await diagnoseInstance({ instanceId: starved, lookbackMinutes: 15 });
    expect([short.recentMaxMemory, short.recentMaxSwap, short.deploy]).toEqual([97, 44, undefined]);
    expect(short.findings).toEqual(expect.arrayContaining(['Peak memory 97.0%.', 'Peak swap 44.0%.']));
    expect(symptomsOf('cpu-high', short)).toEqual(['cpu_high', 'memory_high', 'swap_high']);

    const fresh = await diagnoseInstance({ instanceId: deployed, lookbackMinutes: 15 });
    // No agent on it: no memory figures rather than zeros.
    expect([fresh.recentMaxMemory, fresh.recentMaxSwap]).toEqual([undefined, undefined]);
    expect(fresh.deploy?.id).toBe('deploy-web-42');
    expect(fresh.deploy?.minutesAgo).toBeLessThan(10);
    expect(symptomsOf('status-check-failed', fresh)).toContain('recent_deploy');
  });

  test("a cpu-high's verification says what it read of the CPU after the action, or that it read none", async () => {
    const { instances } = await createFleet(h.aws, {
      fleet: `verify-${process.pid}`,
      size: 2,
      manualCount: 0,
    });
    const [calm, silent] = instances.map((i) => i.instanceId);
    const { checkHealth } = createDiagnosisActivities(h.aws.ec2, h.aws.cloudwatch, {
      metricPeriodSeconds: 10,
      cpuHighPercent: 90,
      latencyHighMs: 1000,
    });
    const since = new Date(Date.now() - 120_000).toISOString();
    await h.aws.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: [30, 34].map((value, i) => ({
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: calm }],
          Timestamp: new Date(Date.now() - 60_000 + i * 10_000),
          Value: value,
          Unit: 'Percent',
        })),
      }),
    );
    const read = await checkHealth({ instanceId: calm, kind: 'cpu-high', since });
    expect(read).toEqual({
      healthy: true,
      detail: `${calm} running, CPU averaged 32.0% over 2 datapoint(s) since the action (under 90%)`,
    });
    const none = await checkHealth({ instanceId: silent, kind: 'cpu-high', since });
    expect(none.healthy).toBe(true);
    expect(none.detail).toMatch(
      /no CPU datapoint since the action yet, so the CPU itself is not confirmed down$/,
    );
  });

  test('a cpu-high on an instance short of memory: the policy trained on the simulator puts the resize first', async () => {
    await promoteForTest('remediation-policy', 'remediation-policy-simulated-11', trainBandit(11, 400), {
      firstActionSuccess: 0.93,
    });
    const { instances } = await createFleet(h.aws, { fleet: `mem-${process.pid}`, size: 1, manualCount: 1 });
    const instanceId = instances[0]?.instanceId ?? '';
    const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
    await chaos.memoryPressure(instanceId);
    await chaos.cpuSpike(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'cpu-high' });
    const state = await h.stateWhen(handle, 'awaiting_approval');
    expect(state.diagnosis?.recentMaxMemory).toBe(97);
    // The planner offers the resize after the reboot; the policy, which learnt that memory-starved
    // instances need more memory, moves it first, and a person approves that order in MANUAL mode.
    expect(state.plan.map((s) => s.action)).toEqual([
      'resize-instance',
      'reboot-instance',
      'replace-instance',
    ]);
    expect(state.plan[0]?.reason).toMatch(
      /^Chosen first by the remediation policy remediation-policy-simulated-11/,
    );
    expect(state.plan[0]?.reason).toMatch(/Memory peaked at 97% and 44% of swap in use/);
    await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'ops' }] });
    await handle.result();
  });
});
