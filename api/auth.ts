import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { ApiError } from './errors';

/** Reads the admin token from the data folder, creating it (mode 0600) on first start. */
export function loadOrCreateAdminToken(dataDir: string): string {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = `medic_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The token in an Authorization header. Basic (the token as password) is for senders that can only
 * put credentials in a URL, such as SNS HTTPS subscriptions.
 */
function presentedToken(header: string, allowBasic: boolean): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(header);
  if (bearer) return bearer[1];
  const basic = allowBasic ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

export interface AuthFailureLimit {
  /** Failed attempts allowed per client address within the window. */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { maxFailures: 20, windowMs: 60_000 };
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Bearer-token check. Comparing digests keeps the comparison constant-time whatever the length;
 * a client that keeps presenting bad tokens is refused with 429 until its window passes.
 */
export function requireBearerToken(
  token: string | string[],
  limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT,
  options: { allowBasic?: boolean } = {},
): RequestHandler {
  // Any of several tokens (the admin token, and a senders-only alert token) may open a route.
  const expected = (Array.isArray(token) ? token : [token]).map(digest);
  const failures = new Map<string, { count: number; resetAt: number }>();
  return (req, _res, next) => {
    const client = req.ip ?? 'unknown';
    const now = Date.now();
    const record = failures.get(client);
    if (record && record.resetAt <= now) failures.delete(client);
    const current = failures.get(client);
    if (current && current.count >= limit.maxFailures) {
      next(new ApiError('too_many_requests', 'Too many failed authentication attempts; try again later'));
      return;
    }
    const presented = presentedToken(req.headers.authorization ?? '', options.allowBasic === true);
    const given = presented === undefined ? undefined : digest(presented);
    // Every candidate is compared, so the time taken does not tell which token nearly matched.
    const matches = given !== undefined && expected.map((e) => timingSafeEqual(given, e)).some(Boolean);
    if (!matches) {
      if (current) current.count++;
      else {
        // Bounded memory under a flood of distinct addresses: forget the oldest entry first.
        if (failures.size >= MAX_TRACKED_CLIENTS) failures.delete(failures.keys().next().value as string);
        failures.set(client, { count: 1, resetAt: now + limit.windowMs });
      }
      next(new ApiError('unauthorized', 'A valid "Authorization: Bearer <token>" header is required'));
      return;
    }
    next();
  };
}
