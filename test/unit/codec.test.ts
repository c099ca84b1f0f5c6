import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, parsePayloadKeys } from '../../codec';

const key = () => randomBytes(32).toString('base64');
const [k1, k2] = [key(), key()];
const payload = defaultPayloadConverter.toPayload({ secret: 'hunter2-database-password' });

describe('AES-256-GCM payload codec', () => {
  test('round-trips, and the encrypted form carries no plaintext', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${k1}`)!);
    const [sealed] = await codec.encode([payload]);
    expect(new TextDecoder().decode(sealed?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain('hunter2');
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ secret: 'hunter2-database-password' });
  });

  test('after a rotation, the new key encrypts and the old one still decrypts old payloads', async () => {
    const before = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${k1}`)!);
    const after = new AesGcmPayloadCodec(parsePayloadKeys(`k2:${k2},k1:${k1}`, 'k2')!);
    const [old] = await before.encode([payload]);
    const [fresh] = await after.encode([payload]);
    expect(new TextDecoder().decode(fresh?.metadata?.['encryption-key-id'])).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await after.decode([old]))[0])).toEqual({
      secret: 'hunter2-database-password',
    });
    await expect(before.decode([fresh])).rejects.toThrow('unknown key "k2"');
  });

  test('a tampered payload is refused', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${k1}`)!);
    const [sealed] = await codec.encode([payload]);
    const data = Buffer.from(sealed.data!);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow();
  });

  test('plain payloads pass through decode untouched (histories from before encryption)', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${k1}`)!);
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  test('bad key settings name the variable', () => {
    expect(parsePayloadKeys(undefined)).toBeUndefined();
    expect(() => parsePayloadKeys('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parsePayloadKeys('nonsense')).toThrow(/MEDIC_PAYLOAD_KEYS/);
    expect(() => parsePayloadKeys(`k1:${k1}`, 'k9')).toThrow(/MEDIC_PAYLOAD_KEY_ID/);
  });
});
