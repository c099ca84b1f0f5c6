import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MedicConfig } from '../domain/config';
import { UsageError } from './args';

/** A refusal from the API: its HTTP status and the message and details it gave. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  /** `…/api/v1`, for messages. */
  base: string;
  request: <T>(method: string, path: string, body?: unknown) => Promise<T>;
}

/**
 * The cloud-medic HTTP API as the CLI, the demo and the benchmark call it: `MEDIC_API_URL` (default the
 * local API) and `MEDIC_API_TOKEN` (default the stack's `.data/admin-token`), read once.
 */
export function createApiClient(config: MedicConfig): ApiClient {
  const base = `${process.env.MEDIC_API_URL ?? `http://127.0.0.1:${config.apiPort}`}/api/v1`;
  const tokenFile = join(config.dataDir, 'admin-token');
  const token =
    process.env.MEDIC_API_TOKEN ??
    (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (!token)
    throw new UsageError(`no API token: set MEDIC_API_TOKEN or start the stack so ${tokenFile} exists`);
  return {
    base,
    request: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as T & { error?: { message: string; details?: unknown } };
      if (!res.ok) {
        const details = json.error?.details ? ` ${JSON.stringify(json.error.details)}` : '';
        throw new ApiCallError(res.status, `${json.error?.message ?? res.statusText}${details}`);
      }
      return json;
    },
  };
}
