export interface DeliveryOptions {
  /** Each attempt's limit. */
  timeoutMs: number;
  /** Attempts in all (1 = no retry). */
  attempts: number;
  /** First pause between attempts; doubles each time. */
  backoffMs: number;
  /** Every attempt and pause together stay under this, so the calling activity's timeout is never hit. */
  deadlineMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  timeoutMs: 5000,
  attempts: 3,
  backoffMs: 500,
  deadlineMs: 12_000,
};

export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  detail: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 4xx other than 408/429 means the receiver rejects this message: sending it again changes nothing. */
const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * POSTs JSON with retries and exponential backoff. Never throws: a receiver that fails must not
 * hold up an incident, so the caller records what happened instead.
 */
export async function deliverJson(
  url: string,
  body: unknown,
  options: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<DeliveryResult> {
  const started = Date.now();
  const remaining = () => options.deadlineMs - (Date.now() - started);
  let detail = 'not attempted';
  let attempt = 0;
  while (attempt < options.attempts && remaining() > 0) {
    attempt += 1;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(Math.max(1, Math.min(options.timeoutMs, remaining()))),
      });
      detail = `webhook answered ${response.status}`;
      if (response.ok) return { delivered: true, attempts: attempt, detail };
      if (!retryable(response.status)) break;
    } catch (err) {
      detail = `webhook unreachable: ${(err as Error).message}`;
    }
    const wait = options.backoffMs * 2 ** (attempt - 1);
    if (attempt < options.attempts && remaining() > wait) await pause(wait);
    else break;
  }
  return {
    delivered: false,
    attempts: attempt,
    detail: attempt > 1 ? `${detail} (after ${attempt} attempts)` : detail,
  };
}
