import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ec2Call {
  action: string;
  instanceIds: string[];
  dryRun: boolean;
  /** Security group calls: the group and the first rule's port. */
  groupId?: string;
  fromPort?: number;
}

/**
 * A loopback HTTP proxy in front of the AWS emulator that records every EC2 Query API call
 * (action, instance ids, DryRun), so a test can count the side effects a system really caused.
 */
/**
 * `down`: every connection is reset (the endpoint is gone); `throttle`: EC2 answers RequestLimitExceeded;
 * `{ refuse, code }`: EC2 answers one action with that error code (an account quota moto does not keep).
 */
export type ProxyFault = 'down' | 'throttle' | { refuse: string; code: string } | undefined;

export interface CountingProxy {
  url: string;
  calls: Ec2Call[];
  /** Requests refused by an injected fault. */
  faulted: () => number;
  setFault: (fault: ProxyFault) => void;
  close: () => Promise<void>;
}

const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>medic-test</RequestID></Response>`;
const THROTTLED = ec2Error('RequestLimitExceeded', 'Request limit exceeded.');

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const calls: Ec2Call[] = [];
  let fault: ProxyFault;
  let faulted = 0;
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    if (fault === 'down') {
      faulted++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action');
      if (action && fault === 'throttle') {
        faulted++;
        res.writeHead(503, { 'content-type': 'text/xml' });
        res.end(THROTTLED);
        return;
      }
      if (action && typeof fault === 'object' && fault.refuse === action) {
        faulted++;
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(ec2Error(fault.code, `refused by the test proxy: ${fault.code}`));
        return;
      }
      if (action) {
        const instanceIds = [...form.entries()]
          .filter(([k]) => /^InstanceId\.\d+$/.test(k))
          .map(([, v]) => v);
        const groupId = form.get('GroupId') ?? undefined;
        const fromPort = form.get('IpPermissions.1.FromPort');
        calls.push({
          action,
          instanceIds,
          dryRun: form.get('DryRun') === 'true',
          ...(groupId ? { groupId } : {}),
          ...(fromPort ? { fromPort: Number(fromPort) } : {}),
        });
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
    faulted: () => faulted,
    setFault: (next) => {
      fault = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
