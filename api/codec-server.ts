import express, { type Router } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { requireBearerToken } from './auth';
import { validationError } from './errors';

/** Temporal's codec server protocol: base64 payloads in, base64 payloads out. */
const payloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }))
    .max(10_000),
});

type JsonPayload = z.infer<typeof payloadsSchema>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * `/codec/encode` and `/codec/decode` so the Temporal Web UI (or `temporal workflow show
 * --codec-endpoint`) can show decrypted payloads to someone holding an API token. CORS admits the
 * configured Web UI origin only.
 */
export function codecServer(codec: PayloadCodec, token: string, uiOrigin: string): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', uiOrigin);
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, x-namespace');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  });
  router.use(requireBearerToken(token));
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/${direction}`, (req, res, next) => {
      const parsed = payloadsSchema.safeParse(req.body);
      if (!parsed.success) {
        next(validationError(parsed.error.issues));
        return;
      }
      codec[direction](parsed.data.payloads.map(fromJson))
        .then((payloads) => res.json({ payloads: payloads.map(toJson) }))
        .catch(next);
    });
  }
  return router;
}
