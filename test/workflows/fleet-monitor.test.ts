import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AwsClients } from '../../activities';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { TASK_QUEUES } from '../../domain/config';
import { fleetMonitorWorkflowId, incidentWorkflowId } from '../../domain/ids';
import type { fleetMonitorWorkflow } from '../../workflows/fleet-monitor';
import { decisionUpdate, stopMonitoringSignal } from '../../workflows/messages';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
let env: TestWorkflowEnvironment;
let aws: AwsClients;

beforeAll(async () => {
  h = await startHarness('mon');
  ({ env, aws } = h);
}, 120_000);

afterAll(async () => h?.teardown());

describe('fleet monitor (the detection loop)', () => {
  test('a fault that outlives its declined incident is not reported again, across continue-as-new', async () => {
    const fleet = `mon-${process.pid}`;
    const { instances } = await createFleet(aws, { fleet, size: 1, manualCount: 1 });
    const instanceId = instances[0].instanceId;
    await createChaos(aws.ec2, aws.cloudwatch).stopInstance(instanceId);

    const monitor = await env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
      workflowId: fleetMonitorWorkflowId(fleet),
      taskQueue: TASK_QUEUES.monitoring,
      args: [{ fleet, intervalSeconds: 1, pollsPerRun: 2 }],
    });
    const incident = env.client.workflow.getHandle(incidentWorkflowId(instanceId, 'instance-stopped'));
    await h.stateWhen(incident, 'awaiting_approval');
    await incident.executeUpdate(decisionUpdate, {
      args: [{ decision: 'decline', by: 'test', reason: 'keep it stopped' }],
    });
    await incident.result();

    // The instance stays stopped while the loop continues as new several times.
    const runs = async () => (await env.client.workflow.count(`WorkflowId = '${monitor.workflowId}'`)).count;
    await eventually(async () => ((await runs()) >= 4 ? true : undefined), 60_000, 'four monitor runs');
    const incidents = await env.client.workflow.count(
      `WorkflowId = '${incidentWorkflowId(instanceId, 'instance-stopped')}'`,
    );
    expect(incidents.count).toBe(1);

    await env.client.workflow.getHandle(monitor.workflowId).signal(stopMonitoringSignal);
    const result = await env.client.workflow.getHandle(monitor.workflowId).result();
    expect(result).toEqual({ incidentsOpened: 1 });
  });
});
