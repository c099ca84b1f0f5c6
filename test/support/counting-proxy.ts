import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ec2Call {
  action: string;
  instanceIds: string[];
  dryRun: boolean;
}

/**
 * A loopback HTTP proxy in front of the AWS emulator that records every EC2 Query API call
 * (action, instance ids, DryRun), so a test can count the side effects a system really caused.
 */
export async function startCountingProxy(
  target: string,
): Promise<{ url: string; calls: Ec2Call[]; close: () => Promise<void> }> {
  const calls: Ec2Call[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action');
      if (action) {
        const instanceIds = [...form.entries()]
          .filter(([k]) => /^InstanceId\.\d+$/.test(k))
          .map(([, v]) => v);
        calls.push({ action, instanceIds, dryRun: form.get('DryRun') === 'true' });
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
