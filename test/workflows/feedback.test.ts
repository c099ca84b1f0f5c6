import { serveOnLoopback } from '../support/http';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import { createChaos } from '../../activities/chaos';
import { createFeedbackStore } from '../../activities/feedback-store';
import { createModelStore } from '../../activities/model-store';
import { startHarness, type MedicHarness } from '../support/harness';

const TOKEN = 'medic_feedback_test_token_0123456789ab';
let h: MedicHarness;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let base: string;

beforeAll(async () => {
  h = await startHarness('feedback');
  const bucket = `medic-feedback-test-${process.pid}`;
  const app = createApp({
    incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
    adminToken: TOKEN,
    health: { temporal: async () => true, aws: async () => true },
    feedback: createFeedbackStore(h.aws.s3, bucket, () => createModelStore(h.aws.s3, bucket).ensureBucket()),
  });
  served = await serveOnLoopback(app);
  base = `${served.origin}/api/v1`;
}, 120_000);

afterAll(async () => {
  served?.close();
  await h?.teardown();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('"Was your issue resolved?" feedback', () => {
  test('is taken for closed incidents, validated, kept per run, and summarised per agent', async () => {
    const instanceId = await h.newInstance();
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const handle = await h.open({
      resourceId: instanceId,
      kind: 'instance-stopped',
      mode: 'auto',
      source: 'test',
    });
    await handle.result();
    const id = encodeURIComponent(handle.workflowId);

    const bad = await call('POST', `/incidents/${id}/feedback`, { resolved: 'yes', rating: 7 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/resolved[\s\S]*rating|rating[\s\S]*resolved/);

    const first = await call('POST', `/incidents/${id}/feedback`, { resolved: true, rating: 2 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ agent: 'self-healing', outcome: 'resolved', rating: 2 });
    // Answering again replaces the earlier answer for that run.
    expect(
      (await call('POST', `/incidents/${id}/feedback`, { resolved: true, rating: 5, comment: 'fast' }))
        .status,
    ).toBe(201);
    expect((await call('GET', '/feedback/agents')).body).toEqual({
      agents: [{ agent: 'self-healing', answers: 1, meanRating: 5, resolvedShare: 1 }],
    });
    // The same standing, asked in plain language.
    const asked = await call('POST', '/chat', { message: 'how are the agents rated?' });
    expect(asked.body).toMatchObject({
      intent: 'agent_ratings',
      executed: true,
      reply: 'self-healing: 5.0 / 5 over 1 answer, 100 % resolved',
    });
  });

  test('an open incident cannot be rated yet', async () => {
    const instanceId = await h.newInstance('manual');
    await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
    const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
    await h.stateWhen(handle, 'awaiting_approval');
    const res = await call('POST', `/incidents/${encodeURIComponent(handle.workflowId)}/feedback`, {
      resolved: false,
      rating: 1,
    });
    expect(res.status).toBe(409);
  });
});
