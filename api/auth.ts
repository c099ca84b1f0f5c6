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

/** Bearer-token check; comparing digests keeps the comparison constant-time whatever the length. */
export function requireBearerToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      next(new ApiError('unauthorized', 'A valid "Authorization: Bearer <token>" header is required'));
      return;
    }
    next();
  };
}
