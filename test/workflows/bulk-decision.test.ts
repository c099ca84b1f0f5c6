import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app';
import { AuditLog } from '../../api/audit-log';
import { IncidentService } from '../../api/incident-service';
import { createChaos } from '../../activities/chaos';
import { main } from '../../cli/main';
import type { IncidentReport } from '../../domain/incident';
import { decisionUpdate } from '../../workflows/messages';
import { serveOnLoopback } from '../support/http';
import { startHarness, type MedicHarness } from '../support/harness';

const TOKEN = 'medic_bulk_decision_test_token_0123456';
let h: MedicHarness;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let audit: AuditLog;
let dir: string;

beforeAll(async () => {
  // Starting a stopped instance needs two approvers, each naming the plan they approve.
  h = await startHarness('bulk', { MEDIC_QUORUM: 'start-instance=2' });
  dir = mkdtempSync(join(tmpdir(), 'medic-bulk-'));
  audit = new AuditLog(join(dir, 'audit.jsonl'));
  served = await serveOnLoopback(
    createApp({
      incidents: new IncidentService(h.env.client, 'http://127.0.0.1:8233'),
      adminToken: TOKEN,
      health: { temporal: async () => true, aws: async () => true },
      audit,
    }),
  );
}, 120_000);

afterAll(async () => {
  served?.close();
  await h?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

async function decideAll(body: unknown) {
  const res = await fetch(`${served.origin}/api/v1/incidents/decisions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A MANUAL instance-stopped incident on a stopped instance, waiting for its approvers. */
async function waitingIncident() {
  const instanceId = await h.newInstance('manual');
  await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
  const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', mode: 'manual' });
  const state = await h.stateWhen(handle, 'awaiting_approval');
  return { handle, id: handle.workflowId, planHash: state.planHash ?? '' };
}

describe('one decision for several incidents (decision 0071)', () => {
  test('each incident takes it as its own decision: its own plan and quorum, refusals alone, one audit line each', async () => {
    const [a, b, closed] = await Promise.all([waitingIncident(), waitingIncident(), waitingIncident()]);
    await closed.handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'cy' }] });
    await closed.handle.result();

    const first = await decideAll({
      incidents: [
        { id: a.id, planHash: a.planHash },
        { id: b.id, planHash: b.planHash },
        { id: closed.id, planHash: closed.planHash },
        { id: 'incident-i-0000000000000dead-instance-stopped' },
      ],
      decision: 'approve',
      by: 'ana',
      reason: 'the database is back; restart the tier',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ decision: 'approve', decided: 2, refused: 2 });
    expect(first.body.results).toEqual([
      { id: a.id, ok: true, accepted: true, status: 'awaiting_approval', approvals: 1, required: 2 },
      { id: b.id, ok: true, accepted: true, status: 'awaiting_approval', approvals: 1, required: 2 },
      { id: closed.id, ok: false, error: { code: 'conflict', message: expect.stringMatching(/closed/) } },
      {
        id: 'incident-i-0000000000000dead-instance-stopped',
        ok: false,
        error: { code: 'not_found', message: expect.any(String) },
      },
    ]);

    // Without its planHash a quorum incident refuses the approval; the other, with its hash, takes it.
    const second = await decideAll({
      incidents: [{ id: a.id }, { id: b.id, planHash: b.planHash }],
      decision: 'approve',
      by: 'bo',
    });
    expect(second.body).toMatchObject({ decided: 1, refused: 1 });
    expect(second.body.results).toEqual([
      { id: a.id, ok: false, error: { code: 'conflict', message: expect.stringMatching(/planHash/) } },
      // The second approver completes the quorum: the plan goes ahead.
      { id: b.id, ok: true, accepted: true, status: expect.not.stringMatching(/^awaiting_approval$/) },
    ]);
    expect(((await b.handle.result()) as IncidentReport).outcome).toBe('resolved');
    const third = await decideAll({
      incidents: [{ id: a.id, planHash: a.planHash }],
      decision: 'approve',
      by: 'bo',
    });
    expect(third.body).toMatchObject({ decided: 1, refused: 0 });
    expect(((await a.handle.result()) as IncidentReport).outcome).toBe('resolved');

    const linesOf = (incidentId: string) =>
      audit
        .query({ incidentId, action: 'incident.decision', limit: 10 })
        .entries.map((e) => [e.actor, e.status, e.detail?.of]);
    expect(linesOf(a.id)).toEqual([
      ['admin', 202, 1],
      ['admin', 409, 2],
      ['admin', 202, 4],
    ]);
    expect(linesOf(closed.id)).toEqual([['admin', 409, 4]]);
    expect(audit.query({ limit: 1 }).chainIntact).toBe(true);
  }, 120_000);

  test('bad input is refused whole with the zod issues, and nothing is decided', async () => {
    const waiting = await waitingIncident();
    const cases = [
      [{ incidents: [], decision: 'approve' }, 'incidents'],
      [
        { incidents: [{ id: waiting.id }, { id: waiting.id }], decision: 'decline' },
        'each incident at most once',
      ],
      [
        { incidents: Array.from({ length: 51 }, (_, i) => ({ id: `incident-${i}` })), decision: 'decline' },
        'incidents',
      ],
      [{ incidents: [{ id: waiting.id }], decision: 'maybe' }, 'decision'],
      [{ incidents: [{ id: waiting.id, planHash: 'abc' }], decision: 'approve' }, '64 hex'],
    ] as const;
    for (const [body, issue] of cases) {
      const res = await decideAll(body);
      expect([res.status, JSON.stringify(res.body)]).toEqual([400, expect.stringContaining(issue)]);
    }
    await waiting.handle.executeUpdate(decisionUpdate, { args: [{ decision: 'decline', by: 'cy' }] });
    expect(((await waiting.handle.result()) as IncidentReport).outcome).toBe('declined');
  }, 120_000);

  test('medic incidents decline --id A --id B: one line per incident, exit 4 when any refused', async () => {
    const [a, b] = await Promise.all([waitingIncident(), waitingIncident()]);
    const saved = { url: process.env.MEDIC_API_URL, token: process.env.MEDIC_API_TOKEN };
    process.env.MEDIC_API_URL = served.origin;
    process.env.MEDIC_API_TOKEN = TOKEN;
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const args = ['incidents', 'decline', '--id', a.id, '--id', b.id, '--reason', 'fixed by hand'];
      expect(await main(args)).toBe(0);
      expect(printed.join('\n').split('\n')).toEqual([
        `${a.id}: decline accepted, now declined`,
        `${b.id}: decline accepted, now declined`,
      ]);
      // Both declined: a second time, each refuses alone, and the exit code says not everything took.
      for (const { handle } of [a, b])
        expect(((await handle.result()) as IncidentReport).outcome).toBe('declined');
      expect(await main(args)).toBe(4);
      expect(printed.at(-1)?.split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^${a.id}: refused: .*closed`)),
        expect.stringMatching(new RegExp(`^${b.id}: refused: .*closed`)),
      ]);
    } finally {
      log.mockRestore();
      error.mockRestore();
      if (saved.url === undefined) delete process.env.MEDIC_API_URL;
      else process.env.MEDIC_API_URL = saved.url;
      if (saved.token === undefined) delete process.env.MEDIC_API_TOKEN;
      else process.env.MEDIC_API_TOKEN = saved.token;
    }
    for (const { handle } of [a, b])
      expect(((await handle.result()) as IncidentReport).outcome).toBe('declined');
  }, 120_000);
});
