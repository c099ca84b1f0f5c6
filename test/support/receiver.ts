import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  body: unknown;
}

/**
 * A real webhook receiver on loopback: records every JSON body it gets, and answers as `handle`
 * says (default 200). Stands in for Slack, an event bus bridge or any HTTP sink.
 */
export async function startReceiver(
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void = (_req, _body, res) =>
    res.end('ok'),
): Promise<{ url: string; received: Received[]; server: Server; close: () => void }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        received.push({ path: req.url ?? '/', body: JSON.parse(body) as unknown });
      } catch {
        received.push({ path: req.url ?? '/', body });
      }
      handle(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    server,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
