import { createNotifier } from '../../activities/notify';
import { deliverJson } from '../../activities/webhook-delivery';
import { startReceiver } from '../support/receiver';

const message = {
  incidentId: 'incident-i-1-cpu-high',
  severity: 'high' as const,
  headline: 'incident-i-1-cpu-high: resolved',
  body: 'What: …',
  link: 'http://127.0.0.1:8233/x',
};

const quick = { timeoutMs: 300, attempts: 3, backoffMs: 20, deadlineMs: 5000 };

describe('webhook notifications', () => {
  test('a Slack-compatible message with text, blocks and a link is delivered', async () => {
    const receiver = await startReceiver();
    try {
      expect(await createNotifier(`${receiver.url}/hook`).notify(message)).toEqual({
        delivered: true,
        detail: 'webhook answered 200',
      });
      const received = receiver.received[0]?.body as { text: string; blocks: { type: string }[] };
      expect(received.text).toBe('[HIGH] incident-i-1-cpu-high: resolved');
      expect(received.blocks.map((b) => b.type)).toEqual(['section', 'context']);
      expect(JSON.stringify(received)).toContain('http://127.0.0.1:8233/x');
    } finally {
      receiver.close();
    }
  });

  test('the generic JSON format carries the notification fields as they are', async () => {
    const receiver = await startReceiver();
    try {
      await createNotifier(receiver.url, { format: 'json' }).notify({ ...message, to: 'oncall' });
      expect(receiver.received[0]?.body).toEqual({
        type: 'cloud-medic.notification',
        ...message,
        to: 'oncall',
      });
    } finally {
      receiver.close();
    }
  });

  test('a receiver answering 500 is retried with backoff, then reported, not thrown', async () => {
    const receiver = await startReceiver((_req, _body, res) => {
      res.statusCode = 500;
      res.end();
    });
    try {
      expect(await createNotifier(receiver.url, { delivery: quick }).notify(message)).toEqual({
        delivered: false,
        detail: 'webhook answered 500 (after 3 attempts)',
      });
      expect(receiver.received).toHaveLength(3);
    } finally {
      receiver.close();
    }
  });

  test('a receiver that fails once and then answers gets the message on the retry', async () => {
    let calls = 0;
    const receiver = await startReceiver((_req, _body, res) => {
      res.statusCode = ++calls === 1 ? 503 : 200;
      res.end();
    });
    try {
      expect(await deliverJson(receiver.url, { n: 1 }, quick)).toEqual({
        delivered: true,
        attempts: 2,
        detail: 'webhook answered 200',
      });
    } finally {
      receiver.close();
    }
  });

  test('a 400 is the receiver refusing this message: not retried', async () => {
    const receiver = await startReceiver((_req, _body, res) => {
      res.statusCode = 400;
      res.end();
    });
    try {
      const result = await deliverJson(receiver.url, {}, quick);
      expect(result).toMatchObject({ delivered: false, attempts: 1 });
      expect(receiver.received).toHaveLength(1);
    } finally {
      receiver.close();
    }
  });

  // Without the timeout this would hang until jest's limit for the test and fail.
  test('a receiver that hangs is given up on within the deadline', async () => {
    const receiver = await startReceiver(() => undefined);
    try {
      const started = Date.now();
      const result = await createNotifier(receiver.url, {
        delivery: { timeoutMs: 300, attempts: 5, backoffMs: 100, deadlineMs: 1000 },
      }).notify(message);
      expect(result.delivered).toBe(false);
      expect(result.detail).toMatch(/webhook unreachable/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      receiver.close();
    }
  }, 10_000);

  test('without a webhook the message is only recorded', async () => {
    expect(await createNotifier(undefined).notify(message)).toEqual({
      delivered: false,
      detail: 'no webhook configured; recorded in the timeline only',
    });
  });
});
