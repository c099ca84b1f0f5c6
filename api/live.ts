import type { Request, Response } from 'express';

type Listener = (event: string, json: string) => void;

interface Watch {
  listeners: Set<Listener>;
  last?: string;
  timer?: NodeJS.Timeout;
}

/**
 * Live views for the console without page polling: the API reads Temporal once per interval per
 * distinct view (however many browsers watch it) and pushes only what changed. Temporal is the
 * system of record; this is a shared, short-lived cache of reads, nothing more.
 */
export class LiveFeed {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly intervalMs = 1000) {}

  /** Calls `listener` with the current value now (if known) and with each change; returns the unsubscribe. */
  subscribe(key: string, event: string, read: () => Promise<unknown>, listener: Listener): () => void {
    let watch = this.watches.get(key);
    const known = watch?.last;
    if (!watch) {
      watch = { listeners: new Set() };
      this.watches.set(key, watch);
      this.poll(key, watch, event, read);
    }
    watch.listeners.add(listener);
    const current = watch;
    const unsubscribe = () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.watches.get(key) === current) {
        clearTimeout(current.timer);
        this.watches.delete(key);
      }
    };
    if (known !== undefined) listener(event, known);
    return unsubscribe;
  }

  /** Views being watched right now (for tests and /metrics-style introspection). */
  get watched(): number {
    return this.watches.size;
  }

  private poll(key: string, watch: Watch, event: string, read: () => Promise<unknown>): void {
    const tick = async () => {
      let json: string;
      let kind = event;
      try {
        json = JSON.stringify(await read());
      } catch (err) {
        kind = 'problem';
        json = JSON.stringify({ message: (err as Error).message });
      }
      if (this.watches.get(key) !== watch) return;
      if (json !== watch.last) {
        watch.last = json;
        for (const listener of watch.listeners) listener(kind, json);
      }
      watch.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    void tick();
  }
}

/**
 * Serves one live view as Server-Sent Events. `?once=true` sends the first snapshot and ends, for
 * scripts and curl; otherwise a comment every 15 s keeps proxies from closing an idle stream.
 */
export function streamEvents(
  req: Request,
  res: Response,
  feed: LiveFeed,
  key: string,
  event: string,
  read: () => Promise<unknown>,
): void {
  const once = req.query.once === 'true';
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let sequence = 0;
  let ended = false;
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const unsubscribe = feed.subscribe(key, event, read, (kind, json) => {
    if (ended) return;
    sequence += 1;
    res.write(`id: ${sequence}\nevent: ${kind}\ndata: ${json}\n\n`);
    if (once) {
      ended = true;
      res.end();
    }
  });
  const close = () => {
    clearInterval(keepAlive);
    unsubscribe();
  };
  if (ended) close();
  res.on('close', close);
}
