/**
 * Payload encryption keys: `MEDIC_PAYLOAD_KEYS` is `id:base64key[,id:base64key…]` (32-byte keys),
 * `MEDIC_PAYLOAD_KEY_ID` names the one that encrypts (default: the first). Older keys stay listed
 * after a rotation so that histories written with them can still be read.
 */
export interface PayloadKeys {
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

export class PayloadKeyError extends Error {}

export function parsePayloadKeys(spec: string | undefined, activeKeyId?: string): PayloadKeys | undefined {
  if (!spec || spec.trim() === '') return undefined;
  const keys = new Map<string, Buffer>();
  for (const entry of spec.split(',')) {
    const [id, material] = entry.trim().split(':');
    if (!id || !material || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      throw new PayloadKeyError('MEDIC_PAYLOAD_KEYS entries must look like "key-id:base64-of-32-bytes"');
    }
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32)
      throw new PayloadKeyError(
        `MEDIC_PAYLOAD_KEYS: key "${id}" must be 32 bytes (AES-256), got ${key.length}`,
      );
    keys.set(id, key);
  }
  const active = activeKeyId ?? [...keys.keys()][0];
  if (!active || !keys.has(active))
    throw new PayloadKeyError(`MEDIC_PAYLOAD_KEY_ID "${active ?? ''}" is not among MEDIC_PAYLOAD_KEYS`);
  return { activeKeyId: active, keys };
}
