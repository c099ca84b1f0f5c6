import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChaos } from '../../activities/chaos';
import type { IncidentReport } from '../../domain/incident';
import { decisionUpdate, incidentStateQuery } from '../../workflows/messages';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

/**
 * A notification receiver that never answers, and one that answers 500. The incident must not wait
 * for either: the checks below look at the incident while the hanging receiver still holds the
 * request open, so they fail if the incident waited for the notifier's timeout (which aborts it).
 */
const held = new Set<ServerResponse>();
let answered500 = 0;
let hanging: Server;
let failing: Server;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`),
    ),
  );
}

beforeAll(async () => {
  hanging = createServer((req, res) => {
    held.add(res);
    res.on('close', () => held.delete(res));
    req.resume();
  });
  failing = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      answered500++;
      res.writeHead(500).end('receiver broken');
    });
  });
  await Promise.all([listen(hanging), listen(failing)]);
});

afterAll(async () => {
  for (const res of held) res.destroy();
  hanging?.close();
  failing?.close();
});

async function withReceiver(url: string, name: string, body: (h: MedicHarness) => Promise<void>) {
  const h = await startHarness(name, { MEDIC_WEBHOOK_URL: url });
  try {
    await body(h);
  } finally {
    await h.teardown();
  }
}

describe('a notification receiver that hangs or fails does not delay incidents', () => {
  test('hanging receiver: MANUAL waits for a decision and takes it while the request is still open, then heals', async () => {
    await withReceiver(
      `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`,
      'notify-hang',
      async (h) => {
        const instanceId = await h.newInstance('manual');
        await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
        const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
        await eventually(
          async () => (held.size > 0 ? true : undefined),
          30_000,
          'the receiver holding a request',
        );
        // Old behaviour: the incident sat in 'planned' until the notifier gave up.
        expect((await handle.query(incidentStateQuery)).status).toBe('awaiting_approval');
        await handle.executeUpdate(decisionUpdate, { args: [{ decision: 'approve', by: 'sre' }] });
        // The decision was taken while the receiver still held the request (each delivery gives up after
        // 5 s, three tries): the healing after it is not timed here, since under load it may outlast them.
        expect(held.size).toBeGreaterThan(0);
        const resolved = await h.stateWhen(handle, 'resolved');
        expect(resolved.decision?.by).toBe('sre');
        expect((await h.instance(instanceId))?.State?.Name).toBe('running');
        // The receiver is given up on (5 s) and the report says so instead of failing the incident.
        const report = (await handle.result()) as IncidentReport;
        expect(report.outcome).toBe('resolved');
      },
    );
  });

  test('failing receiver: AUTO heals and the timeline records the failed delivery', async () => {
    await withReceiver(
      `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`,
      'notify-500',
      async (h) => {
        const instanceId = await h.newInstance('auto');
        await createChaos(h.aws.ec2, h.aws.cloudwatch).stopInstance(instanceId);
        const handle = await h.open({ resourceId: instanceId, kind: 'instance-stopped', source: 'test' });
        const report = (await handle.result()) as IncidentReport;
        expect(report.outcome).toBe('resolved');
        expect(answered500).toBeGreaterThan(0);
        const { timeline } = await handle.query(incidentStateQuery);
        expect(timeline.some((t) => /webhook answered 500/.test(t.message))).toBe(true);
      },
    );
  });
});
