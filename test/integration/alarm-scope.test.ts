import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeLoadBalancersCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createChaos } from '../../activities/chaos';
import { alarmScopeSettings } from '../../api/alarm-scope';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import type { SnsMessage } from '../../api/sns';
import { incidentWorkflowId } from '../../domain/ids';
import { MEDIC_MODE, MEDIC_SEVERITY } from '../../workflows/search-attributes';
import { alertmanagerPayload } from '../support/alertmanager';
import { destroyAws, startLocalTemporal, testAws, testConfig, workflowExists } from '../support/env';
import { createFleetGroup, groupMembers } from '../support/groups';
import { createLoadBalancedTargetGroup, createNetwork } from '../support/release-group';
import {
  alarmNotificationSigned,
  localSigningCertificate,
  SNS_TOPIC,
  type AlarmChange,
} from '../support/sns';

const TOKEN = 'medic_sns_scope_token_0123456789abcdefgh';
const signing = localSigningCertificate();
const aws = testAws();
const chaos = createChaos(aws.ec2, aws.cloudwatch);
let env: TestWorkflowEnvironment;
let server: Server;
let base: string;
let group: string;
let members: string[];

beforeAll(async () => {
  env = await startLocalTemporal();
  const app = createApp({
    incidents: new IncidentService(env.client, 'http://127.0.0.1:8233'),
    adminToken: TOKEN,
    health: { temporal: async () => true, aws: async () => true },
    sns: {
      certificates: async () => signing.certificate,
      confirmSubscription: async () => undefined,
      allowedTopicArns: [SNS_TOPIC],
      maxAgeMs: 60 * 60_000,
    },
    alarmScope: alarmScopeSettings(aws, testConfig(), env.client),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/alerts/cloudwatch`;
  group = await createFleetGroup(aws, `scope-${process.pid}`, { min: 1, max: 4, desired: 3 });
  members = await groupMembers(aws, group, 3);
}, 120_000);

afterAll(async () => {
  server?.close();
  await env?.teardown();
  destroyAws(aws);
});

async function post(message: SnsMessage): Promise<Record<string, unknown>> {
  const res = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(message),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** The fleet program's alarm of this kind on the group, changing to `state`. */
const groupAlarm = (
  kind: string,
  metric: string,
  state: AlarmChange['state'] = 'ALARM',
  stateChangeTime?: string,
  threshold?: AlarmChange['threshold'],
): SnsMessage =>
  alarmNotificationSigned(signing.key, {
    name: `${group}-${kind}`,
    description: `medic_kind=${kind} medic_mode=manual`,
    metric,
    namespace: 'AWS/EC2',
    dimensions: [{ name: 'AutoScalingGroupName', value: group }],
    state,
    ...(stateChangeTime ? { stateChangeTime } : {}),
    ...(threshold ? { threshold } : {}),
  });

/** Balancer `<name>-lb`'s unhealthy-host alarm, as CloudWatch notifies it, and the balancer's dimension. */
async function unhealthyHostsAlarm(
  name = `scope${process.pid}`.slice(0, 20),
): Promise<{ dimension: string; unhealthy: SnsMessage }> {
  const lb = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: [`${name}-lb`] }));
  const dimension = (lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '').split(':loadbalancer/')[1] ?? '';
  const unhealthy = alarmNotificationSigned(signing.key, {
    name: `${name}-unhealthy-hosts`,
    description: 'targets fail the health check',
    metric: 'UnHealthyHostCount',
    namespace: 'AWS/ApplicationELB',
    dimensions: [
      { name: 'TargetGroup', value: `targetgroup/${name}/73e2d6bc24d8a067` },
      { name: 'LoadBalancer', value: dimension },
    ],
    state: 'ALARM',
  });
  return { dimension, unhealthy };
}

describe('an alarm on an Auto Scaling group or a load balancer (decision 0061)', () => {
  test('a group status-check alarm opens an incident on the member failing its checks, and only on it', async () => {
    const [failing, ...healthy] = members;
    await chaos.statusCheckFailed(failing ?? '');
    const body = await post(groupAlarm('status-check-failed', 'StatusCheckFailed'));
    expect(body).toMatchObject({
      action: 'fanned-out',
      scope: { type: 'group', id: group },
      members: [
        {
          instanceId: failing,
          action: 'opened',
          incidentId: incidentWorkflowId(failing ?? '', 'status-check-failed'),
        },
      ],
    });
    expect(body.reason).toMatch(/^1 of 3 members of group .* show failing status checks/);
    for (const id of healthy)
      expect(await workflowExists(env.client, incidentWorkflowId(id, 'status-check-failed'))).toBe(false);
    // The alarm's OK reaches the member's open incident.
    expect(await post(groupAlarm('status-check-failed', 'StatusCheckFailed', 'OK'))).toMatchObject({
      action: 'resolved-recorded',
      members: expect.arrayContaining([
        expect.objectContaining({ instanceId: failing, action: 'resolved-recorded' }),
      ]),
    });
  });

  test('CPU high on most members asks the scaling agent for one more instance, once per alarm change', async () => {
    for (const id of members.slice(0, 2)) await chaos.cpuSpike(id);
    const changedAt = new Date().toISOString();
    const body = await post(groupAlarm('cpu-high', 'CPUUtilization', 'ALARM', changedAt));
    expect(body).toMatchObject({ action: 'scaled-out', scope: { type: 'group', id: group } });
    expect(body.reason).toMatch(new RegExp(`^2 of 3 members .* ${group} gets one more instance`));
    const workflowId = String(body.workflowId);
    expect(await workflowExists(env.client, workflowId)).toBe(true);
    // The same change delivered again (a new SNS message id) starts nothing new.
    expect(await post(groupAlarm('cpu-high', 'CPUUtilization', 'ALARM', changedAt))).toMatchObject({
      action: 'scaled-out',
      workflowId,
    });
    const started = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowType = 'capacityRequestWorkflow'` }))
      started.push(w.workflowId);
    expect(started.filter((id) => id === workflowId)).toHaveLength(1);
    for (const id of members)
      expect(await workflowExists(env.client, incidentWorkflowId(id, 'cpu-high'))).toBe(false);
    // Judged by the alarm's own bar: above 99.5 %, nobody (96–99 %) shows it.
    const strict = groupAlarm('cpu-high', 'CPUUtilization', 'ALARM', undefined, {
      comparison: 'GreaterThanThreshold',
      value: 99.5,
    });
    expect(await post(strict)).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(/^none of the 3 members .* shows CPU at or above 99.5% now/),
    });
  });

  test('a load balancer latency alarm opens an incident on the slow target; nothing published is said, not guessed', async () => {
    const network = await createNetwork(aws, 71);
    const name = `scope${process.pid}`.slice(0, 20);
    const { targetGroupArn } = await createLoadBalancedTargetGroup(aws, name, network);
    await aws.elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: members.map((Id) => ({ Id })) }),
    );
    const lb = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: [`${name}-lb`] }));
    const dimension = (lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '').split(':loadbalancer/')[1] ?? '';
    const lbAlarm = () =>
      alarmNotificationSigned(signing.key, {
        name: `${name}-latency-p99`,
        description: 'medic_kind=latency-high',
        metric: 'TargetResponseTime',
        namespace: 'AWS/ApplicationELB',
        dimensions: [{ name: 'LoadBalancer', value: dimension }],
        state: 'ALARM',
      });
    expect(await post(lbAlarm())).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(
        /none of the 3 members of load balancer app\/.* \(none of them publishes the metric\)/,
      ),
    });
    const slow = members[2] ?? '';
    await chaos.latency(slow);
    expect(await post(lbAlarm())).toMatchObject({
      action: 'fanned-out',
      scope: { type: 'load-balancer', id: dimension },
      members: [{ instanceId: slow, action: 'opened', incidentId: incidentWorkflowId(slow, 'latency-high') }],
    });
  });

  test('a group the account does not have, or a database, is answered with the reason and opens nothing', async () => {
    const missing = alarmNotificationSigned(signing.key, {
      name: 'gone',
      description: 'medic_kind=cpu-high',
      metric: 'CPUUtilization',
      namespace: 'AWS/EC2',
      dimensions: [{ name: 'AutoScalingGroupName', value: `gone-${randomUUID().slice(0, 8)}` }],
      state: 'ALARM',
    });
    expect(await post(missing)).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(/does not exist/),
    });
    const database = alarmNotificationSigned(signing.key, {
      name: 'orders-cpu',
      description: 'medic_kind=cpu-high',
      metric: 'CPUUtilization',
      namespace: 'AWS/RDS',
      dimensions: [{ name: 'DBInstanceIdentifier', value: 'orders' }],
      state: 'ALARM',
    });
    expect(await post(database)).toMatchObject({
      action: 'ignored',
      scope: { type: 'database', id: 'orders' },
    });
    expect(await workflowExists(env.client, incidentWorkflowId('orders', 'cpu-high'))).toBe(false);
  });

  test('Alertmanager alerts labelled with a group or a balancer are answered from their members too', async () => {
    const startsAt = new Date().toISOString();
    const groupCpu = {
      labels: {
        alertname: 'HighCpuUtilization',
        resource_type: 'group',
        resource_id: group,
        severity: 'high',
      },
      annotations: { summary: `CPU above 80 % across ${group}` },
    };
    // The load balancer by its name alone, as a Prometheus rule would label it.
    const balancerLatency = {
      labels: {
        alertname: 'SlowBalancer',
        medic_kind: 'latency-high',
        resource_type: 'load-balancer',
        resource_id: `scope${process.pid}`.slice(0, 20) + '-lb',
      },
    };
    const [failing] = members;
    const instanceAlert = {
      labels: { alertname: 'InstanceStatusCheckFailed', resource_id: failing ?? '' },
    };
    const payload = alertmanagerPayload([groupCpu, balancerLatency, instanceAlert]);
    payload.alerts.forEach((a, i) => Object.assign(a, { startsAt, fingerprint: `fp-${process.pid}-${i}` }));
    const send = async () => {
      const res = await fetch(base.replace('/cloudwatch', '/alertmanager'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(payload),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { results: Record<string, unknown>[] }).results;
    };
    const [scaled, fanned, ordinary] = await send();
    expect(scaled).toMatchObject({
      fingerprint: `fp-${process.pid}-0`,
      action: 'scaled-out',
      scope: { type: 'group', id: group },
    });
    expect(fanned).toMatchObject({
      action: 'fanned-out',
      scope: { type: 'load-balancer' },
      members: [{ instanceId: members[2], action: expect.stringMatching(/^(opened|joined)$/) }],
    });
    expect(ordinary).toMatchObject({
      action: 'joined',
      incidentId: incidentWorkflowId(failing ?? '', 'status-check-failed'),
    });
    // Alertmanager repeats a firing alert until it resolves: the same episode adds nothing more.
    const [again] = await send();
    expect(again).toMatchObject({ action: 'scaled-out', workflowId: scaled?.workflowId });
    const started = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowType = 'capacityRequestWorkflow'` }))
      started.push(w.workflowId);
    expect(started.filter((id) => id === scaled?.workflowId)).toHaveLength(1);
    expect(await workflowExists(env.client, incidentWorkflowId(group, 'cpu-high'))).toBe(false);
  });

  test("the balancer's unhealthy-host alarm opens not-serving on the member that serves nothing while the others serve", async () => {
    const dead = members[1] ?? '';
    // Every member served about 40 requests a second; the dead one's series ended a minute ago.
    expect((await chaos.stopServing(dead)).sort()).toEqual(members.filter((m) => m !== dead).sort());
    const { dimension, unhealthy } = await unhealthyHostsAlarm();
    expect(await post(unhealthy)).toMatchObject({
      action: 'fanned-out',
      scope: { type: 'load-balancer', id: dimension },
      members: [{ instanceId: dead, action: 'opened', incidentId: incidentWorkflowId(dead, 'not-serving') }],
    });
  });

  test('every member behind the balancer stopped together: each gets a critical incident that waits for a person (decision 0067)', async () => {
    // A group of its own: the other group's members served until moments ago in the tests above.
    const wholeGroup = await createFleetGroup(aws, `whole-${process.pid}`, { min: 1, max: 3, desired: 2 });
    const together = await groupMembers(aws, wholeGroup, 2);
    const name = `whole${process.pid}`.slice(0, 20);
    const { targetGroupArn } = await createLoadBalancedTargetGroup(aws, name, await createNetwork(aws, 72));
    await aws.elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: together.map((Id) => ({ Id })) }),
    );
    expect((await chaos.groupStopsServing(together[0] ?? '')).sort()).toEqual([...together].sort());
    const { dimension, unhealthy } = await unhealthyHostsAlarm(name);
    const body = await post(unhealthy);
    expect(body).toMatchObject({ action: 'fanned-out', scope: { type: 'load-balancer', id: dimension } });
    expect(body.reason).toMatch(
      /^2 of 2 members of load balancer .* show no requests served since .*: they stopped together/,
    );
    const outcomes = body.members as { instanceId: string; action: string; incidentId: string }[];
    expect(outcomes.map((o) => o.instanceId).sort()).toEqual([...together].sort());
    for (const id of together) {
      expect(outcomes.find((o) => o.instanceId === id)).toMatchObject({
        action: 'opened',
        incidentId: incidentWorkflowId(id, 'not-serving'),
      });
      const started = await env.client.workflow.getHandle(incidentWorkflowId(id, 'not-serving')).describe();
      expect(started.typedSearchAttributes.get(MEDIC_MODE)).toBe('manual');
      expect(started.typedSearchAttributes.get(MEDIC_SEVERITY)).toBe('critical');
    }
  });
});
