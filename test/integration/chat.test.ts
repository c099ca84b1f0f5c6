import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChaos } from '../../activities/chaos';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { TokenStore } from '../../api/token-store';
import { startHarness, type MedicHarness } from '../support/harness';
import { serveOnLoopback } from '../support/http';

/** The chat route against real workers and the emulator: it lists, decides and explains, as its caller. */
let h: MedicHarness;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
const tokens = new TokenStore(join(mkdtempSync(join(tmpdir(), 'medic-chat-')), 'tokens.json'));
const approver = tokens.create('dana', 'approver', 'test').token;
const viewer = tokens.create('vic', 'viewer', 'test').token;

beforeAll(async () => {
  h = await startHarness('chat');
  served = await serveOnLoopback(
    createApp({
      incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
      adminToken: 'medic_chat_test_admin_token_0123456789abcdef',
      tokens,
      health: { temporal: async () => true, aws: async () => true },
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
}, 90_000);

test('an empty message is a 400 with the zod issue; nonsense gets the help text', async () => {
  expect((await chat(viewer, '   ')).status).toBe(400);
  const nonsense = await chat(viewer, 'order me a pizza');
  expect(nonsense.body).toMatchObject({ intent: 'unknown', executed: false });
  expect(nonsense.body.reply).toMatch(/what is open right now/);
});
