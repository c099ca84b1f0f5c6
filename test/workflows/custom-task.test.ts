import { createChaos } from '../../activities/chaos';
import { createModelStore } from '../../activities/model-store';
import { createTaskStore } from '../../activities/task-store';
import { ApiError } from '../../api/errors';
import { TaskService } from '../../api/task-service';
import type { TaskRunState } from '../../workflows/custom-task';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

/** Custom tasks end to end: defined from YAML into S3 (moto), run as workflows against EC2 (moto). */
let h: MedicHarness;
let tasks: TaskService;

beforeAll(async () => {
  h = await startHarness('custom-task');
  const bucket = `medic-tasks-${process.pid}`;
  const models = createModelStore(h.aws.s3, bucket);
  tasks = new TaskService(
    h.env.client,
    createTaskStore(h.aws.s3, bucket, () => models.ensureBucket()),
  );
}, 120_000);

afterAll(async () => {
  await h?.teardown();
});

const taskYaml = (name: string, approval: 'none' | 'required') => `name: ${name}
parameters:
  - name: instance
    type: instance-id
approval: ${approval}
steps:
  - action: start-instance
    target: "{{instance}}"
  - action: wait
    seconds: 1
`;

const finished = (id: string): Promise<TaskRunState> =>
  eventually<TaskRunState>(
    async () => {
      const state = await tasks.state(id);
      return ['succeeded', 'failed', 'declined', 'expired'].includes(state.status) ? state : undefined;
    },
    60_000,
    `task run ${id} to finish`,
  );

test('a task without approval starts a stopped instance, verifies it and records each step', async () => {
  await tasks.define(taskYaml('start-it', 'none'), 'ops');
  expect((await tasks.list()).map((t) => t.definition.name)).toContain('start-it');
  const instanceId = await h.newInstance();
  await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);

  const run = await tasks.run('start-it', { instance: instanceId }, 'ops', 'k1');
  const again = await tasks.run('start-it', { instance: instanceId }, 'ops', 'k1');
  expect(again.id).toBe(run.id);
  const state = await finished(run.id);
  expect(state.status).toBe('succeeded');
  expect(state.steps.map((s) => [s.action, s.outcome])).toEqual([
    ['start-instance', 'succeeded'],
    ['wait', 'succeeded'],
  ]);
  expect(state.steps[0]?.detail).toMatch(/verified running/);
  expect((await h.instance(instanceId))?.State?.Name).toBe('running');
});

test('a step still running reads as running, not done, until it ends', async () => {
  await tasks.define(
    'name: notify-then-wait\napproval: none\nsteps:\n  - action: notify\n    message: draining\n  - action: wait\n    seconds: 4\n',
    'ops',
  );
  const run = await tasks.run('notify-then-wait', {}, 'ops');
  const during = await eventually(
    async () => {
      const state = await tasks.state(run.id);
      return state.steps.length === 2 ? state : undefined;
    },
    20_000,
    'the wait step to start',
  );
  expect(during.status).toBe('running');
  expect(during.steps.map((s) => [s.action, s.outcome, s.detail])).toEqual([
    ['notify', 'succeeded', expect.any(String)],
    ['wait', 'running', 'waiting 4s'],
  ]);
  const done = await finished(run.id);
  expect(done.steps[1]).toMatchObject({ outcome: 'succeeded', detail: 'waited 4s' });
});

test('a task that needs approval waits, runs once approved, and a decline changes nothing', async () => {
  await tasks.define(taskYaml('start-approved', 'required'), 'ops');
  const approvedInstance = await h.newInstance();
  const declinedInstance = await h.newInstance();
  const chaos = createChaos(h.aws.ec2, h.aws.cloudwatch);
  await chaos.stopInstance(approvedInstance);
  await chaos.stopInstance(declinedInstance);

  const approved = await tasks.run('start-approved', { instance: approvedInstance }, 'ops');
  await eventually(
    async () => ((await tasks.state(approved.id)).status === 'awaiting_approval' ? true : undefined),
    20_000,
    'waiting',
  );
  await tasks.decide(approved.id, { decision: 'approve', by: 'lead' });
  expect((await finished(approved.id)).status).toBe('succeeded');
  await expect(tasks.decide(approved.id, { decision: 'approve', by: 'lead' })).rejects.toThrow(ApiError);

  const declined = await tasks.run('start-approved', { instance: declinedInstance }, 'ops');
  await eventually(
    async () => ((await tasks.state(declined.id)).status === 'awaiting_approval' ? true : undefined),
    20_000,
    'waiting',
  );
  await tasks.decide(declined.id, { decision: 'decline', by: 'lead' });
  expect((await finished(declined.id)).status).toBe('declined');
  expect((await h.instance(declinedInstance))?.State?.Name).toBe('stopped');
});

test('bad definitions and parameters are refused before anything runs', async () => {
  await expect(tasks.define('name: x\nsteps:\n  - action: fly\n', 'ops')).rejects.toMatchObject({
    code: 'bad_request',
    details: [expect.objectContaining({ line: 3, path: 'steps.0.action' })],
  });
  await expect(tasks.run('start-it', { instance: 'web-1' }, 'ops')).rejects.toMatchObject({
    code: 'bad_request',
  });
  await expect(tasks.run('no-such-task', {}, 'ops')).rejects.toMatchObject({ code: 'not_found' });
});
