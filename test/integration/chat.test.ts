import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChaos } from '../../activities/chaos';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { TokenStore } from '../../api/token-store';
import { startHarness, type MedicHarness } from '../support/harness';
import { CreateTagsCommand, DescribeNetworkAclsCommand } from '@aws-sdk/client-ec2';
import { blockSourceWorkflow, blockStateQuery, liftBlockSignal } from '../../workflows/block-source';
import type { IncidentReport } from '../../domain/incident';
import { TASK_QUEUES } from '../../domain/config';
import { temporalChatActions } from '../../api/chat-actions';
import { llmRephraser } from '../../api/llm-rephraser';
import { startReceiver } from '../support/receiver';
import { TaskService } from '../../api/task-service';
import { createFleetGroup, desiredCapacity } from '../support/groups';
import { eventually } from '../support/env';
import { memoryTaskStore } from '../support/memory-task-store';
import { serveOnLoopback } from '../support/http';
import { createModelStore, modelOverview, type ModelStore } from '../../activities/model-store';
import { promote } from '../../domain/models/registry';
import { createMaintenanceStore, type MaintenanceStore } from '../../activities/maintenance-store';

/** The chat route against real workers and the emulator: it lists, decides and explains, as its caller. */
let h: MedicHarness;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
const tokens = new TokenStore(join(mkdtempSync(join(tmpdir(), 'medic-chat-')), 'tokens.json'));
const approver = tokens.create('dana', 'approver', 'test').token;
const viewer = tokens.create('vic', 'viewer', 'test').token;
const operator = tokens.create('otto', 'operator', 'test').token;

let tasks: TaskService;
let models: ModelStore;
let maintenance: MaintenanceStore;

beforeAll(async () => {
  h = await startHarness('chat');
  tasks = new TaskService(h.env.client, memoryTaskStore());
  models = createModelStore(h.aws.s3, `medic-chat-models-${process.pid}`);
  maintenance = createMaintenanceStore(h.aws.s3, `medic-chat-models-${process.pid}`, () =>
    models.ensureBucket(),
  );
  served = await serveOnLoopback(
    createApp({
      incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
      adminToken: 'medic_chat_test_admin_token_0123456789abcdef',
      tokens,
      tasks,
      chatActions: temporalChatActions(h.env.client, h.aws.ec2, h.aws.autoscaling),
      health: { temporal: async () => true, aws: async () => true },
      models: modelOverview(models),
      maintenance,
    }),
  );
}, 120_000);

afterAll(async () => {
  served?.close();
  await h?.teardown();
});

interface Answer {
  intent: string;
  reply: string;
  executed: boolean;
  clarify?: string;
  incidents?: { id: string }[];
  incidentId?: string;
  workflowId?: string;
  taskRunId?: string;
  findings?: string[];
  suggestions?: string[];
  code?: { source: string; test: string; checks: string };
}

async function chat(token: string, message: string): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${served.origin}/api/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

test('list, approve (only as an approver), then explain what was done', async () => {
  const instanceId = await h.newInstance('manual');
  await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
  const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
  await h.stateWhen(handle, 'awaiting_approval');

  const open = await chat(viewer, 'what is open right now?');
  expect(open.body).toMatchObject({ intent: 'list_open', executed: true });
  expect(open.body.incidents?.map((i) => i.id)).toContain(handle.workflowId);

  expect((await chat(viewer, `approve ${handle.workflowId}`)).status).toBe(403);
  const asked = await chat(approver, 'approve it');
  expect(asked.body).toMatchObject({ intent: 'approve', executed: false });
  expect(asked.body.clarify).toMatch(/Which incident/);

  const approved = await chat(approver, `approve ${handle.workflowId}`);
  expect(approved.body).toMatchObject({ intent: 'approve', executed: true });
  const resolved = await h.stateWhen(handle, 'resolved');
  expect(resolved.decision?.by).toBe('dana');

  const why = await chat(viewer, `why was ${instanceId} stopped?`);
  expect(why.body).toMatchObject({ intent: 'explain', executed: true });
  expect(why.body.reply).toContain(handle.workflowId);
  expect(why.body.reply).toMatch(/start/i);
  // "was it started?" is a question about what was done: explained, not done again.
  for (const question of [`was ${instanceId} started?`, `was ${instanceId} restarted?`]) {
    const was = await chat(approver, question);
    expect(was.body).toMatchObject({ intent: 'explain', executed: true, incidentId: handle.workflowId });
  }
  // What was done is told as done; what was not is said first, not explained as if it had been.
  expect((await chat(viewer, `why was ${instanceId} started?`)).body.reply).toMatch(
    new RegExp(`^${handle.workflowId}: .*Healed by start-instance`),
  );
  expect((await chat(viewer, `why was ${instanceId} resized?`)).body.reply).toMatch(
    new RegExp(
      `^cloud-medic did not resize ${instanceId} in its last 1 incident\\. The latest, ${handle.workflowId}: `,
    ),
  );

  // Lately, closed ones included: the resolved incident is among them, with its status.
  const overnight = await chat(viewer, 'what happened overnight?');
  expect(overnight.body).toMatchObject({ intent: 'list_recent', executed: true });
  expect(overnight.body.incidents?.map((i) => i.id)).toContain(handle.workflowId);
  expect(overnight.body.reply).toMatch(/^\d+ incidents? in the last 24 hours \(.*\d+ resolved/);
  expect(overnight.body.reply).toContain(`${handle.workflowId} (resolved, opened `);

  // Shown with what it was and what was done; asked for its cause without a ranking, says why there is none.
  const cause = await chat(viewer, `what is the root cause of ${handle.workflowId}?`);
  expect(cause.body).toMatchObject({ intent: 'show_incident', executed: true });
  expect(cause.body.reply).toMatch(
    new RegExp(
      `^${handle.workflowId} is resolved\\. instance-stopped on ${instanceId}\\. Diagnosis: State stopped`,
    ),
  );
  expect(cause.body.reply).toContain('Action taken: Healed by start-instance');
  expect(cause.body.reply).toContain('It has no root-cause ranking');
});

test('"I will do it by hand": the third answer a MANUAL incident waits for, as an approver only', async () => {
  const instanceId = await h.newInstance('manual');
  await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
  const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
  await h.stateWhen(handle, 'awaiting_approval');
  expect((await chat(operator, `I will do ${handle.workflowId} by hand`)).status).toBe(403);
  const asked = await chat(approver, 'i will handle it manually');
  expect(asked.body).toMatchObject({ intent: 'handle_manually', executed: false });
  expect(asked.body.clarify).toMatch(/Which incident will you handle by hand/);
  const taken = await chat(approver, `I will do ${handle.workflowId} by hand`);
  expect(taken.body).toMatchObject({
    intent: 'handle_manually',
    executed: true,
    incidentId: handle.workflowId,
  });
  const state = await h.stateWhen(handle, 'manual');
  expect(state.decision).toMatchObject({ decision: 'manual', by: 'dana' });
  expect(state.report?.resolutionProcess).toEqual([]);
});

test('an empty message is a 400 with the zod issue; nonsense gets the help text', async () => {
  expect((await chat(viewer, '   ')).status).toBe(400);
  const nonsense = await chat(viewer, 'order me a pizza');
  expect(nonsense.body).toMatchObject({ intent: 'unknown', executed: false });
  expect(nonsense.body.reply).toMatch(/what is open right now/);
});

test('"which models are active?" reads the registry: a promoted version with its figure, the shipped ones as such', async () => {
  await models.ensureBucket();
  const version = 'rootcause-chat-test-1';
  await models.putVersion({
    model: 'rootcause',
    version,
    parameters: {},
    training: { seed: 1, examples: 100, heldOutSeed: 2 },
    metrics: { top1: 0.914 },
    createdAt: new Date().toISOString(),
  });
  await models.setActive(promote(undefined, 'rootcause', version, '2026-11-27T10:00:00.000Z', 'test'));
  for (const question of ['which models are active?', 'how good is the detecter?', 'model status']) {
    const asked = await chat(viewer, question);
    expect(asked.body).toMatchObject({ intent: 'model_status', executed: true });
    expect(asked.body.reply).toContain(
      `rootcause: ${version} decides since 2026-11-27T10:00:00.000Z, top1 91.4 % on held-out data`,
    );
    expect(asked.body.reply).toContain('detector: the shipped model decides (no version promoted)');
  }
  // "active" alone still asks about incidents.
  expect((await chat(viewer, 'what is active right now?')).body.intent).toBe('list_open');
  // Asked to retrain or roll back, chat says how (the CLI, audited) and what decides now; it does neither.
  for (const request of ['retrain the detector', 'roll back the policy']) {
    const asked = await chat(approver, request);
    expect(asked.body).toMatchObject({ intent: 'model_status', executed: true });
    expect(asked.body.reply).toMatch(/^I do not retrain or roll back models from chat: `medic model retrain/);
    expect(asked.body.reply).toContain(`rootcause: ${version} decides`);
  }
  expect((await models.getActive('rootcause'))?.version).toBe(version);
  const bare = await serveOnLoopback(
    createApp({
      incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
      adminToken: 'medic_chat_test_admin_token_0123456789abcdef',
      health: { temporal: async () => true, aws: async () => true },
    }),
  );
  try {
    const res = await fetch(`${bare.origin}/api/v1/chat`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer medic_chat_test_admin_token_0123456789abcdef',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ message: 'which models are active?' }),
    });
    expect(((await res.json()) as Answer).reply).toBe('This API has no model registry to read.');
  } finally {
    bare.close();
  }
});

describe('chat carries out requests, as its caller, through workflows', () => {
  test('restart: an operator opens a restart-requested incident that reboots and verifies; a viewer cannot', async () => {
    const instanceId = await h.newInstance('auto');
    // Questions about a restart restart nothing, whoever asks them.
    for (const question of [`should we restart ${instanceId}?`, `is it safe to reboot ${instanceId}`]) {
      const pondered = await chat(operator, question);
      expect(pondered.body).toMatchObject({ intent: 'unknown', executed: false });
      expect(pondered.body.reply).toContain('not what I am asked about');
    }
    const why = await chat(operator, `why did ${instanceId} restart?`);
    expect(why.body).toMatchObject({ intent: 'explain', executed: true });
    expect(why.body.reply).toBe(`I found no incident on ${instanceId}, so cloud-medic did not act on it.`);
    expect((await chat(viewer, `restart ${instanceId}`)).status).toBe(403);
    const asked = await chat(operator, `restart ${instanceId}`);
    expect(asked.body).toMatchObject({ intent: 'restart', executed: true });
    expect(asked.body.incidentId).toBe(`incident-${instanceId}-restart-requested`);
    const handle = h.env.client.workflow.getHandle(asked.body.incidentId!);
    const state = await h.stateWhen(handle, 'resolved');
    expect(state.plan.map((s) => s.action)).toEqual(['reboot-instance', 'stop-start-instance']);
    expect(state.report?.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'succeeded'],
    ]);
    expect(state.summary).toMatch(/requested by otto via chat/);
  });

  test('maintenance: "I\'m patching it for 2 hours, leave it alone" opens a window as its caller; a viewer cannot', async () => {
    const instanceId = await h.newInstance('auto');
    const message = `I'm patching ${instanceId} for 2 hours, leave it alone`;
    expect((await chat(viewer, message)).status).toBe(403);
    const asked = await chat(operator, message);
    expect(asked.body).toMatchObject({ intent: 'maintenance', executed: true });
    const [window] = await maintenance.current(new Date());
    expect(window).toMatchObject({ resources: [instanceId], createdBy: 'otto', reason: message });
    expect(Date.parse(window?.endsAt ?? '') - Date.parse(window?.startsAt ?? '')).toBe(120 * 60_000);
    expect(asked.body.reply).toBe(
      `Leaving ${instanceId} alone until ${window?.endsAt}: maintenance window ${window?.id}. Its alerts open nothing and the monitor passes over it meanwhile; end it early with medic maintenance end --id ${window?.id}.`,
    );
    const unsure = await chat(operator, 'start a maintenance window');
    expect(unsure.body).toMatchObject({ intent: 'maintenance', executed: false });
    expect(unsure.body.reply).toMatch(/^Which instance is the work on\?/);
  });

  test('troubleshoot: finds the instances the topic is about, and suggests what would help', async () => {
    const broken = await h.newInstance('auto');
    await h.aws.ec2.send(
      new CreateTagsCommand({ Resources: [broken], Tags: [{ Key: 'Service', Value: 'upload' }] }),
    );
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(broken);
    const answer = await chat(viewer, 'troubleshoot the upload issue');
    expect(answer.body).toMatchObject({ intent: 'troubleshoot', executed: true });
    expect(answer.body.workflowId).toMatch(/^troubleshoot-/);
    expect(answer.body.findings?.join(' ')).toContain(`${broken}) is stopped`);
    expect(answer.body.suggestions).toContain(`restart ${broken}`);
    const nothing = await chat(viewer, 'troubleshoot the zzqx issue');
    expect(nothing.body.findings).toEqual(['No instance matches "zzqx" by name or tag.']);
    // A suggestion that is a sentence already ends the reply once: no "…upload).." nor "…?.".
    expect(nothing.body.reply).toMatch(/Suggested: .*\(Service=upload\)\.$/);
  });

  test('code: "write a function that uploads a file to S3" answers with code whose test passed on the emulator', async () => {
    const answer = await chat(viewer, 'write a function that uploads a file to S3');
    expect(answer.body).toMatchObject({ intent: 'generate_code', executed: true });
    expect(answer.body.workflowId).toMatch(/^code-request-/);
    expect(answer.body.reply).toMatch(/test passed against the local emulator/);
    expect(answer.body.code?.source).toContain('export async function uploadFileToS3');
    expect(answer.body.code?.checks).toContain('test: passed');
  });

  test("scale: sets the size within the group's bounds, and says when it had to cut the request", async () => {
    const group = await createFleetGroup(h.aws, `chat-${process.pid}`, { min: 1, max: 5, desired: 2 });
    const desired = () => desiredCapacity(h.aws, group);
    expect((await chat(viewer, `scale ${group} to 3`)).status).toBe(403);
    const to3 = await chat(operator, `scale ${group} to 3`);
    expect(to3.body).toMatchObject({ intent: 'scale_to', executed: true });
    expect(to3.body.reply).toBe(`Scaled ${group} from 2 to 3.`);
    expect(await desired()).toBe(3);
    const up = await chat(operator, `scale up ${group}`);
    expect(up.body.reply).toBe(`Scaled ${group} from 3 to 4.`);
    const tooMany = await chat(operator, `scale ${group} to 60`);
    expect(tooMany.body.reply).toMatch(/from 4 to 5\. .* allows 1 to 5 instances, so 60 became 5/);
    expect(await desired()).toBe(5);
    const again = await chat(operator, `scale ${group} to 5`);
    expect(again.body.reply).toBe(`${group} already has 5; nothing changed.`);
    // Talk about scaling is not a request to scale: nothing changes, the reply says what would.
    await chat(operator, `scale down ${group}`);
    expect(await desired()).toBe(4);
    for (const question of ['what is the scaling policy', `disable scaling on ${group}`]) {
      const asked = await chat(operator, question);
      expect(asked.body).toMatchObject({ intent: 'unknown', executed: false });
      expect(asked.body.reply).toContain('medic scale status --group NAME');
    }
    // A why-question about it is answered from its incidents.
    expect((await chat(operator, `why did ${group} scale up?`)).body.intent).toBe('explain');
    expect(await desired()).toBe(4);
  });

  test("run a task: the instance named in the sentence fills the task's instance parameter", async () => {
    await tasks.define(
      'name: bounce-it\napproval: none\nparameters:\n  - name: target\n    type: instance-id\nsteps:\n  - action: reboot-instance\n    target: "{{target}}"\n    verify: healthy\n',
      'test',
    );
    const instanceId = await h.newInstance('auto');
    const missing = await chat(operator, 'run the bounce-it task');
    expect(missing.body.clarify).toBe('Which target?');
    const started = await chat(operator, `run the bounce-it task on ${instanceId}`);
    expect(started.body).toMatchObject({ intent: 'run_task', executed: true });
    expect(started.body.reply).toMatch(/^Started bounce-it \(task-bounce-it-[\w-]+\)\.$/);
    const run = await eventually(
      async () => {
        const state = await tasks.state(started.body.taskRunId!);
        return state.status === 'succeeded' ? state : undefined;
      },
      60_000,
      'the task run to succeed',
    );
    expect(JSON.stringify(run)).toContain(instanceId);
  });
});

describe('the optional language-model adapter', () => {
  test('rewrites what the parser missed into one of its forms; the parser and RBAC still decide', async () => {
    // A loopback stand-in for an OpenAI-compatible endpoint: it answers like a model would.
    const asked: { model: string; messages: { role: string; content: string }[] }[] = [];
    const model = await startReceiver((_req, body, res) => {
      const request = JSON.parse(body) as (typeof asked)[number];
      asked.push(request);
      const said = request.messages.at(-1)?.content ?? '';
      const content = /bigger/.test(said)
        ? 'scale up nonexistent-asg'
        : /coffee/.test(said)
          ? 'UNKNOWN'
          : 'what is open right now?';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
    });
    const app = await serveOnLoopback(
      createApp({
        incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
        adminToken: 'medic_chat_test_admin_token_0123456789abcdef',
        tokens,
        rephrase: llmRephraser({ url: `${model.url}/v1`, model: 'test-model', apiKey: 'k' }),
        health: { temporal: async () => true, aws: async () => true },
      }),
    );
    const say = async (token: string, message: string) => {
      const res = await fetch(`${app.origin}/api/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message }),
      });
      return { status: res.status, body: (await res.json()) as Answer & { understoodAs?: string } };
    };
    try {
      const open = await say(viewer, 'gimme the lowdown');
      expect(open.body).toMatchObject({
        intent: 'list_open',
        executed: true,
        understoodAs: 'what is open right now?',
      });
      expect(asked[0]?.model).toBe('test-model');
      expect(asked[0]?.messages[0]?.content).toMatch(/scale <group> to <number>/);
      // The rewrite is an operate request, so a viewer is refused exactly as if they had typed it.
      expect((await say(viewer, 'make the web tier bigger')).status).toBe(403);
      const coffee = await say(viewer, 'make me a coffee');
      expect(coffee.body).toMatchObject({ intent: 'unknown', executed: false });
      expect(coffee.body.understoodAs).toBeUndefined();
      // Questions the parser understands never reach the model.
      const before = asked.length;
      await say(viewer, 'what is open right now?');
      expect(asked.length).toBe(before);
    } finally {
      app.close();
      model.close();
    }
  });
});

describe('block a source address', () => {
  const denies = async (cidr: string) => {
    const acls = await h.aws.ec2.send(new DescribeNetworkAclsCommand({}));
    return (acls.NetworkAcls ?? []).flatMap((a) =>
      (a.Entries ?? []).filter(
        (e) => (e.CidrBlock ?? e.Ipv6CidrBlock) === cidr && e.RuleAction === 'deny' && !e.Egress,
      ),
    );
  };

  test('an operator blocks a public address on the managed subnets; again is the same block; lifting removes it', async () => {
    await h.newInstance('auto'); // at least one managed subnet
    expect((await chat(viewer, 'block 203.0.113.7')).status).toBe(403);
    const blocked = await chat(operator, 'block 203.0.113.7');
    expect(blocked.body).toMatchObject({
      intent: 'block_ip',
      executed: true,
      workflowId: 'incident-203.0.113.7-32-traffic-flood',
    });
    expect(blocked.body.reply).toMatch(/^Blocked 203\.0\.113\.7\/32 on \d+ network ACL\(s\) until /);
    const entries = await denies('203.0.113.7/32');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => (e.RuleNumber ?? 0) >= 1 && (e.RuleNumber ?? 0) <= 99)).toBe(true);

    const again = await chat(operator, 'block 203.0.113.7');
    expect(again.body.workflowId).toBe(blocked.body.workflowId);
    expect((await denies('203.0.113.7/32')).length).toBe(entries.length);

    const handle = h.env.client.workflow.getHandle(blocked.body.workflowId!);
    await handle.signal(liftBlockSignal);
    const report = (await handle.result()) as IncidentReport;
    expect(report.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['deny-source', 'succeeded'],
      ['lift-source-block', 'succeeded'],
    ]);
    const final = await handle.query(blockStateQuery);
    expect(final.status).toBe('lifted');
    expect(final.detail).toMatch(/^Lifted on request/);
    expect(await denies('203.0.113.7/32')).toEqual([]);
  });

  test('a named range and an IPv6 address are blocked as ranges; one too broad is refused', async () => {
    await h.newInstance('auto');
    const range = await chat(operator, 'block 198.51.100.0/24');
    expect(range.body).toMatchObject({
      executed: true,
      workflowId: 'incident-198.51.100.0-24-traffic-flood',
    });
    expect(range.body.reply).toMatch(/^Blocked 198\.51\.100\.0\/24 on \d+ network ACL/);
    const v6 = await chat(operator, 'block 2001:db8:42:7::99');
    expect(v6.body).toMatchObject({ executed: true });
    expect(v6.body.reply).toMatch(/^Blocked 2001:db8:42:7::\/64 on \d+ network ACL/);
    expect((await denies('2001:db8:42:7::/64')).length).toBeGreaterThan(0);
    expect((await chat(operator, 'block 198.0.0.0/8')).body).toMatchObject({
      executed: false,
      reply:
        "Not blocked: 198.0.0.0/8 is broader than a /16: deny it in smaller ranges, or at the network's edge.",
    });
    for (const id of [range.body.workflowId!, v6.body.workflowId!]) {
      const handle = h.env.client.workflow.getHandle(id);
      await handle.signal(liftBlockSignal);
      await handle.result();
    }
    expect(await denies('2001:db8:42:7::/64')).toEqual([]);
    expect(await denies('198.51.100.0/24')).toEqual([]);
  });

  test('private, loopback and malformed addresses are never blocked', async () => {
    expect((await chat(operator, 'block 10.0.0.5')).body.reply).toBe(
      'Not blocked: 10.0.0.5 is in 10.0.0.0/8, a range cloud-medic never blocks.',
    );
    expect((await chat(operator, 'block traffic from 127.0.0.1')).body.executed).toBe(false);
    expect(await denies('10.0.0.5/32')).toEqual([]);
  });

  test('the block lifts itself when its time is up', async () => {
    await h.newInstance('auto');
    const handle = await h.env.client.workflow.start(blockSourceWorkflow, {
      taskQueue: TASK_QUEUES.security,
      workflowId: `block-expiry-${process.pid}`,
      args: [{ cidr: '198.51.100.9/32', duration: '3s', requestedBy: 'test', reason: 'flood' }],
    });
    await eventually(
      async () => ((await denies('198.51.100.9/32')).length > 0 ? true : undefined),
      20_000,
      'the deny',
    );
    const report = await handle.result();
    expect(report.outcome).toBe('resolved');
    expect(report.actionTaken).toMatch(/Expired: \d+ deny entr/);
    expect(await denies('198.51.100.9/32')).toEqual([]);
  });
});
