import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { TASK_QUEUES } from '../../domain/config';
import type { IncidentReport } from '../../domain/incident';
import { incidentStateQuery } from '../../workflows/messages';
import { MEDIC_SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes';
import { destroyAws, TEMPORAL_TEST_SERVER, testAws, testConfig, workflowBundle } from '../support/env';

/**
 * The default approval timeout is 30 minutes: the time-skipping test server lets the test prove
 * the real default (not a shortened one) escalates, in seconds of wall-clock time.
 */
describe('approval timeout with the default of 30 minutes', () => {
  const aws = testAws();
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } },
    });
    // The Java test server has no --search-attribute flag; register them the way an operator would.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        MEDIC_SEARCH_ATTRIBUTE_NAMES.map((name) => [
          name,
          temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
    destroyAws(aws);
  });

  test('no decision for 30 minutes escalates; 29 minutes is still waiting', async () => {
    const { instances } = await createFleet(aws, { fleet: `ts-${process.pid}`, size: 1, manualCount: 1 });
    const instanceId = instances[0].instanceId;
    await createChaos(aws.ec2, aws.cloudwatch).stopInstance(instanceId);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUES.healing,
      workflowBundle: await workflowBundle(),
      activities: {
        ...createActivities({ aws, temporal: env.client, config: testConfig() }),
        // The Java time-skipping server has no visibility count API; the circuit breaker's real
        // count runs against the dev server in guardrails.test.ts. Here: no earlier incidents.
        countRecentIncidents: async () => 0,
      },
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('incidentWorkflow', {
        workflowId: `incident-${instanceId}-instance-stopped`,
        taskQueue: TASK_QUEUES.healing,
        args: [{ resourceId: instanceId, kind: 'instance-stopped' }],
      });
      await env.sleep('29 minutes');
      expect((await handle.query(incidentStateQuery)).status).toBe('awaiting_approval');
      const report = (await handle.result()) as IncidentReport;
      expect(report.outcome).toBe('escalated');
      expect(report.actionTaken).toMatch(/No decision within 30m/);
    });
  });
});
