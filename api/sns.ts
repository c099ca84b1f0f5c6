import { createVerify } from 'node:crypto';
import { get } from 'node:https';
import { z } from 'zod';

/**
 * Amazon SNS HTTP(S) delivery: the message envelope, its signature check against the signing
 * certificate (fetched once per URL and cached), and the subscription handshake.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export const snsMessageSchema = z.looseObject({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(128),
  TopicArn: z.string().min(1).max(256),
  Subject: z.string().max(512).optional(),
  Message: z.string().max(256 * 1024),
  Timestamp: z.string().max(64),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().max(2048),
  SubscribeURL: z.string().max(4096).optional(),
  Token: z.string().max(4096).optional(),
  UnsubscribeURL: z.string().max(4096).optional(),
});
export type SnsMessage = z.infer<typeof snsMessageSchema>;

const SIGNED_FIELDS: Record<SnsMessage['Type'], (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The canonical "Key\nValue\n" string SNS signs; absent optional fields (Subject) are left out. */
export function stringToSign(message: SnsMessage): string {
  return SIGNED_FIELDS[message.Type]
    .filter((field) => message[field] !== undefined)
    .map((field) => `${field}\n${String(message[field])}\n`)
    .join('');
}

/** Only SNS's own hosts may serve signing certificates or subscription URLs. */
export function isSnsUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' && /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(u.hostname) && u.port === ''
    );
  } catch {
    return false;
  }
}

/** Returns the PEM certificate (or public key) at a signing-certificate URL. */
export type CertificateSource = (url: string) => Promise<string>;

export class SnsVerificationError extends Error {}

function httpsText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 64 * 1024) req.destroy(new Error('response too large'));
      });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
  });
}

/** Fetches certificates from SNS over HTTPS, each URL once (bounded cache). */
export function cachedCertificates(fetch: CertificateSource = httpsText, capacity = 64): CertificateSource {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    const hit = cache.get(url);
    if (hit) return hit;
    const loading = fetch(url);
    loading.catch(() => cache.delete(url));
    if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
    cache.set(url, loading);
    return loading;
  };
}

/** Confirms a subscription by visiting its SubscribeURL (an SNS host). */
export const confirmByVisiting = async (url: string): Promise<void> => {
  await httpsText(url);
};

export interface VerifyOptions {
  certificates: CertificateSource;
  /** Messages older than this are refused as replays. */
  maxAgeMs: number;
  now?: () => number;
}

export async function verifySnsMessage(message: SnsMessage, options: VerifyOptions): Promise<void> {
  if (!isSnsUrl(message.SigningCertURL))
    throw new SnsVerificationError('SigningCertURL is not an Amazon SNS https URL');
  const sentAt = Date.parse(message.Timestamp);
  const now = (options.now ?? Date.now)();
  if (Number.isNaN(sentAt)) throw new SnsVerificationError('Timestamp is not a date');
  if (now - sentAt > options.maxAgeMs) throw new SnsVerificationError('message is too old (replayed?)');
  if (sentAt - now > 5 * 60_000) throw new SnsVerificationError('message is from the future');
  let certificate: string;
  try {
    certificate = await options.certificates(message.SigningCertURL);
  } catch (err) {
    throw new SnsVerificationError(`signing certificate unavailable: ${(err as Error).message}`);
  }
  const verifier = createVerify(message.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  verifier.update(stringToSign(message), 'utf8');
  let valid = false;
  try {
    valid = verifier.verify(certificate, message.Signature, 'base64');
  } catch {
    valid = false;
  }
  if (!valid) throw new SnsVerificationError('signature does not match');
}

/** Remembers recent message ids: SNS redelivers, and a redelivery must not act twice. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 10_000) {}
  /** True the first time an id is seen. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ids.size >= this.capacity) this.ids.delete(this.ids.values().next().value as string);
    this.ids.add(id);
    return true;
  }
}
