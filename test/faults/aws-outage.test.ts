import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, createAwsClients, type AwsClients } from '../../activities';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { openOrJoinIncident } from '../../activities/incident-starter';
import type { IncidentReport, IncidentStatus } from '../../domain/incident';
import { createMedicWorkers } from '../../workers/create-workers';
import { incidentStateQuery } from '../../workflows/messages';
import { blockSourceWorkflow, blockStateQuery } from '../../workflows/block-source';
import { TASK_QUEUES } from '../../domain/config';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy';
import { saveHistory } from '../support/histories';
import {
  awsEndpoint,
  destroyAws,
  runWorkers,
  startLocalTemporal,
  testAws,
  testConfig,
  workflowBundle,
} from '../support/env';

/**
 * The AWS endpoint fails under the worker (connections reset, then EC2 throttling): activities back
 * off and retry, the incident waits, nothing is called resolved before verification succeeds, and
 * the remediation still happens exactly once.
 */
describe('the AWS endpoint goes down and then throttles', () => {
  const direct = testAws();
  let proxied: AwsClients;
  let env: TestWorkflowEnvironment;
  let proxy: CountingProxy;
  let stopWorkers: () => Promise<void>;

  beforeAll(async () => {
    env = await startLocalTemporal();
    proxy = await startCountingProxy(awsEndpoint());
    proxied = createAwsClients({ region: 'us-east-1', endpoint: proxy.url });
    const workers = await createMedicWorkers({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      activities: createActivities({
        aws: proxied,
        temporal: env.client,
        config: testConfig({ AWS_ENDPOINT_URL: proxy.url }),
      }),
      workflowBundle: await workflowBundle(),
    });
    stopWorkers = await runWorkers(workers);
  }, 120_000);

  afterAll(async () => {
    await stopWorkers?.();
    await env?.teardown();
    await proxy?.close();
    destroyAws(direct);
    destroyAws(proxied);
  });

  test('the incident waits through the outage and resolves once, verified, after it', async () => {
    const { instances } = await createFleet(direct, {
      fleet: `outage-${process.pid}`,
      size: 1,
      manualCount: 0,
    });
    const instanceId = instances[0]?.instanceId;
    await createChaos(direct.ec2, direct.cloudwatch).stopInstance(instanceId);

    proxy.setFault('down');
    const opened = await openOrJoinIncident(env.client, {
      resourceId: instanceId,
      kind: 'instance-stopped',
      mode: 'auto',
    });
    const handle = env.client.workflow.getHandle(opened.incidentId, opened.runId);
    const seen = new Set<IncidentStatus>();
    const watch = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        seen.add((await handle.query(incidentStateQuery)).status);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await watch(6000);
    proxy.setFault('throttle');
    await watch(5000);
    expect(seen.has('resolved')).toBe(false);
    expect(proxy.faulted()).toBeGreaterThan(0);
    const described = await direct.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('stopped');

    proxy.setFault(undefined);
    const report = (await handle.result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    const history = await handle.fetchHistory();
    const retried = (history.events ?? []).some(
      (e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
    );
    expect(retried).toBe(true);
    const starts = proxy.calls.filter(
      (c) => c.action === 'StartInstances' && !c.dryRun && c.instanceIds.includes(instanceId),
    );
    expect(starts).toHaveLength(1);
  });

  test('an ACL at its rule quota refuses the deny: no retries, and the incident closes failed saying so', async () => {
    const fleet = `quota-${process.pid}`;
    await createFleet(direct, { fleet, size: 1, manualCount: 0 });
    proxy.setFault({ refuse: 'CreateNetworkAclEntry', code: 'NetworkAclEntryLimitExceeded' });
    const refusedBefore = proxy.faulted();
    try {
      const handle = await env.client.workflow.start(blockSourceWorkflow, {
        taskQueue: TASK_QUEUES.security,
        workflowId: `quota-block-${process.pid}`,
        args: [{ cidr: '203.0.113.44/32', fleet, duration: '1h', requestedBy: 'test', reason: 'flood' }],
      });
      const report = await handle.result();
      expect(report.outcome).toBe('failed');
      expect(report.actionTaken).toMatch(
        /203\.0\.113\.44\/32 was not blocked: acl-\w+ already holds as many rules as the account's quota allows/,
      );
      expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([['deny-source', 'failed']]);
      // Refused once: a quota is not a glitch a retry outlasts.
      expect(proxy.faulted() - refusedBefore).toBe(1);
      expect((await handle.query(blockStateQuery)).status).toBe('failed');
      await saveHistory(handle, 'auto-flood-deny-refused');
    } finally {
      proxy.setFault(undefined);
    }
  });
});
