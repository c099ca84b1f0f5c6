import { createServer } from 'node:net';

/**
 * Ports below Linux's ephemeral range (32768-60999): a port the kernel hands out for `listen(0)` can be
 * taken a moment later as the local end of some outgoing connection, before the process it was chosen
 * for binds it ("stack: port … is taken by another process" in CI). Below that range only listeners
 * compete, and a listener that took it first is seen here.
 */
const LOW_PORTS = { from: 20_000, to: 32_000 };
/** Each jest worker draws from its own slice, so two workers never hand out the same port. */
const SLICES = 4;
const slice = (Number(process.env.JEST_WORKER_ID ?? '1') - 1) % SLICES;
const sliceSize = Math.floor((LOW_PORTS.to - LOW_PORTS.from) / SLICES);
const taken = new Set<number>();

function listensOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** A TCP port on loopback that nothing listens on right now, and that this process has not handed out. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = LOW_PORTS.from + slice * sliceSize + Math.floor(Math.random() * sliceSize);
    if (taken.has(candidate)) continue;
    const port = await listensOn(candidate);
    if (port !== undefined) {
      taken.add(port);
      return port;
    }
  }
  const port = await listensOn(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      // An unread body holds its keep-alive socket open until the server goes away.
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
