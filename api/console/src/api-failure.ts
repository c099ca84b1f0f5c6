/** The API's refusal or failure: its status and message (and zod issues). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * A read that a passing failure should not hide: retried with backoff while the API answers 5xx or
 * cannot be reached (a worker busy replaying, an API restarting); a 4xx is the answer and is not
 * retried. The last failure is thrown.
 */
export async function readWithRetries<T>(
  read: () => Promise<T>,
  { attempts = 4, firstDelayMs = 500 }: { attempts?: number; firstDelayMs?: number } = {},
): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const answered = err instanceof ApiFailure && err.status >= 400 && err.status < 500;
      if (answered || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
}
