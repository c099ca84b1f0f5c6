import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { ApiError } from './errors';
import { can, type Permission, type Principal, type Role } from '../domain/rbac';

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

/** Who a presented token belongs to, or undefined for an unknown one. */
export type TokenResolver = (presented: string) => Principal | undefined;

/**
 * Resolves the fixed tokens (compared as digests, in constant time whatever the length) and then
 * the token store. Every fixed candidate is compared, so the time taken does not tell which token
 * nearly matched.
 */
export function tokenResolver(
  fixed: { token: string; principal: Principal }[],
  store?: { find(presented: string): { name: string; role: Role } | undefined },
): TokenResolver {
  const expected = fixed.map((f) => ({ digest: digest(f.token), principal: f.principal }));
  return (presented) => {
    const given = digest(presented);
    const matches = expected.filter((e) => timingSafeEqual(given, e.digest));
    if (matches[0]) return matches[0].principal;
    const stored = store?.find(presented);
    return stored ? { name: stored.name, role: stored.role, bootstrap: false } : undefined;
  };
}

/**
 * Authentication: the principal goes to `res.locals.principal`. A client that keeps presenting bad
 * tokens is refused with 429 until its window passes.
 */
export function authenticate(
  resolve: TokenResolver,
  limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT,
  options: { allowBasic?: boolean } = {},
): RequestHandler {
  const failures = new Map<string, { count: number; resetAt: number }>();
  return (req, res, next) => {
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
    const principal = presented === undefined ? undefined : resolve(presented);
    if (!principal) {
      if (current) current.count++;
      else {
        // Bounded memory under a flood of distinct addresses: forget the oldest entry first.
        if (failures.size >= MAX_TRACKED_CLIENTS) failures.delete(failures.keys().next().value as string);
        failures.set(client, { count: 1, resetAt: now + limit.windowMs });
      }
      next(new ApiError('unauthorized', 'A valid "Authorization: Bearer <token>" header is required'));
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

/** Authorisation: the authenticated principal must hold `permission`, or the request gets 403. */
export function authorize(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (principal && can(principal, permission)) return next();
    next(
      new ApiError(
        'forbidden',
        `This needs the "${permission}" permission; the token's role (${principal?.role ?? 'none'}) does not have it`,
      ),
    );
  };
}

/** One or several fixed tokens, each acting as the bootstrap admin. */
export function requireBearerToken(
  token: string | string[],
  limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT,
  options: { allowBasic?: boolean } = {},
): RequestHandler {
  const admin: Principal = { name: 'admin', role: 'admin', bootstrap: true };
  return authenticate(
    tokenResolver((Array.isArray(token) ? token : [token]).map((t) => ({ token: t, principal: admin }))),
    limit,
    options,
  );
}
