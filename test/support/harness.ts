import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type AwsClients, type MedicActivities } from '../../activities';
import { createFleet } from '../../activities/fleet';
import { createIncidentMetrics, type IncidentMetrics } from '../../activities/incident-metrics';
import { openOrJoinIncident } from '../../activities/incident-starter';
import type { IncidentRequest, IncidentState, IncidentStatus } from '../../domain/incident';
import { createMedicWorkers } from '../../workers/create-workers';
import { incidentStateQuery } from '../../workflows/messages';
import type { fleetMonitorWorkflow } from '../../workflows/fleet-monitor';
import { TASK_QUEUES } from '../../domain/config';
import { fleetMonitorWorkflowId } from '../../domain/ids';
import {
  destroyAws,
  eventually,
  runWorkers,
  startLocalTemporal,
  testAws,
  testConfig,
  workflowBundle,
} from './env';

export interface MedicHarness {
  env: TestWorkflowEnvironment;
  aws: AwsClients;
  /** The incident figures the activities count (what the worker process serves at /metrics). */
  metrics: IncidentMetrics;
  /** This harness's own model bucket (registry, feedback, detection verdicts). */
  modelBucket: string;
  /** A fresh one-instance fleet of its own, so tests never share a resource. */
  newInstance(mode?: 'auto' | 'manual'): Promise<string>;
  instance(instanceId: string): Promise<Instance | undefined>;
  /** Opens (or joins) an incident through the same path the API and detector use. */
  open(request: IncidentRequest): Promise<WorkflowHandle>;
  /** Starts the fleet's monitor polling every second, as `medic monitor start` would (the test stops it). */
  startMonitor(fleet: string): Promise<WorkflowHandle<typeof fleetMonitorWorkflow>>;
  /** The incident's state once it reaches `status` (30 s at most). */
  stateWhen(handle: WorkflowHandle, status: IncidentStatus): Promise<IncidentState>;
  teardown(): Promise<void>;
}

/**
 * A real Temporal dev server, the real activities against the emulator, and both workers. `wrap`
 * lets a test decorate (never replace) an activity, e.g. to make its first attempt fail.
 */
export async function startHarness(
  name: string,
  configOverrides: Record<string, string> = {},
  wrap: (real: MedicActivities) => MedicActivities = (real) => real,
): Promise<MedicHarness> {
  const aws = testAws();
  const env = await startLocalTemporal();
  const metrics = createIncidentMetrics();
  const modelBucket = `medic-models-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${process.pid}`;
  const workers = await createMedicWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: wrap(
      createActivities({
        aws,
        temporal: env.client,
        // Each harness has its own model registry: a model one suite promotes (retraining, model
        // monitoring) must not steer another suite's incidents. Flow logs stay where tests write them.
        config: testConfig({
          MEDIC_MODEL_BUCKET: modelBucket,
          MEDIC_FLOW_LOG_BUCKET: testConfig().flowLogBucket,
          ...configOverrides,
        }),
        metrics,
      }),
    ),
    workflowBundle: await workflowBundle(),
  });
  const stopWorkers = await runWorkers(workers);
  let fleets = 0;
  return {
    env,
    aws,
    metrics,
    modelBucket,
    async newInstance(mode = 'auto') {
      const fleet = `${name}-${process.pid}-${++fleets}`;
      const { instances } = await createFleet(aws, {
        fleet,
        size: 1,
        manualCount: mode === 'manual' ? 1 : 0,
      });
      return instances[0].instanceId;
    },
    async instance(instanceId) {
      const out = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      return out.Reservations?.[0]?.Instances?.[0];
    },
    async open(request) {
      const opened = await openOrJoinIncident(env.client, request);
      return env.client.workflow.getHandle(opened.incidentId, opened.runId);
    },
    startMonitor(fleet) {
      return env.client.workflow.start<typeof fleetMonitorWorkflow>('fleetMonitorWorkflow', {
        workflowId: fleetMonitorWorkflowId(fleet),
        taskQueue: TASK_QUEUES.monitoring,
        args: [{ fleet, intervalSeconds: 1 }],
      });
    },
    async stateWhen(handle, status) {
      return eventually(
        async () => {
          const state = await handle.query(incidentStateQuery);
          return state.status === status ? state : undefined;
        },
        30_000,
        `status ${status}`,
      );
    },
    async teardown() {
      await stopWorkers();
      await env.teardown();
      destroyAws(aws);
    },
  };
}
