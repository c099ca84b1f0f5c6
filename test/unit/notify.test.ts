import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotifier } from '../../activities/notify';

/** A real webhook receiver on loopback whose behaviour each test chooses. */
async function receiver(
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

const message = {
  incidentId: 'incident-i-1-cpu-high',
  severity: 'high' as const,
  headline: 'incident-i-1-cpu-high: resolved',
  body: 'What: …',
  link: 'http://127.0.0.1:8233/x',
};

describe('webhook notifications', () => {
  test('a Slack-compatible message with text, blocks and a link is delivered', async () => {
    let received: { text: string; blocks: { type: string }[] } | undefined;
    const { url, server } = await receiver((_req, body, res) => {
      received = JSON.parse(body) as typeof received;
      res.end('ok');
    });
    try {
      expect(await createNotifier(url).notify(message)).toEqual({
        delivered: true,
        detail: 'webhook answered 200',
      });
      expect(received?.text).toBe('[HIGH] incident-i-1-cpu-high: resolved');
      expect(received?.blocks.map((b) => b.type)).toEqual(['section', 'context']);
      expect(JSON.stringify(received)).toContain('http://127.0.0.1:8233/x');
    } finally {
      server.close();
    }
  });

  test('a receiver answering 500 is reported, not thrown', async () => {
    const { url, server } = await receiver((_req, _body, res) => {
      res.statusCode = 500;
      res.end();
    });
    try {
      expect(await createNotifier(url).notify(message)).toEqual({
        delivered: false,
        detail: 'webhook answered 500',
      });
    } finally {
      server.close();
    }
  });

  // Without the timeout this would hang until jest's 10 s limit for the test and fail.
  test('a receiver that hangs is given up on after the timeout', async () => {
    const { url, server } = await receiver(() => undefined);
    try {
      const result = await createNotifier(url, 300).notify(message);
      expect(result.delivered).toBe(false);
      expect(result.detail).toMatch(/webhook unreachable/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 10_000);

  test('without a webhook the message is only recorded', async () => {
    expect(await createNotifier(undefined).notify(message)).toEqual({
      delivered: false,
      detail: 'no webhook configured; recorded in the timeline only',
    });
  });
});
