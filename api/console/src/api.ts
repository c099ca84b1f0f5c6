import { ApiFailure } from './api-failure';
import { EventStreamParser } from './sse';

const TOKEN_KEY = 'medic-token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  save: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export { ApiFailure, readWithRetries } from './api-failure';

/** One API call with the session's token; errors carry the API's message (and zod issues). */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  token = session.token(),
): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await res.json().catch(() => ({}))) as {
    error?: { message: string; details?: unknown };
  };
  if (!res.ok)
    throw new ApiFailure(res.status, payload.error?.message ?? res.statusText, payload.error?.details);
  return payload as T;
}

export type StreamState = 'connecting' | 'live' | 'retrying';

/**
 * Follows a Server-Sent Events route with the session's token in the Authorization header (so it
 * never lands in URLs or logs, which EventSource would force), reconnecting with backoff.
 */
export function follow(
  path: string,
  onEvent: (event: string, data: unknown) => void,
  onState: (state: StreamState, detail?: string) => void,
): () => void {
  const controller = new AbortController();
  let delay = 500;
  const run = async () => {
    while (!controller.signal.aborted) {
      onState('connecting');
      try {
        const res = await fetch(`/api/v1${path}`, {
          headers: { authorization: `Bearer ${session.token() ?? ''}`, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (res.status === 401) throw new ApiFailure(401, 'token refused');
        if (!res.ok || !res.body) throw new ApiFailure(res.status, `stream answered ${res.status}`);
        onState('live');
        delay = 500;
        const parser = new EventStreamParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const e of parser.push(value)) onEvent(e.event, JSON.parse(e.data) as unknown);
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        onState('retrying', (err as Error).message);
        if (err instanceof ApiFailure && (err.status === 401 || err.status === 404)) return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => controller.abort();
}
