import { ConfigError, type MedicConfig } from '../domain/config';
import { dataConverterFor } from './aes-gcm-codec';
import { parsePayloadKeys, PayloadKeyError } from './payload-keys';

export { AesGcmPayloadCodec, dataConverterFor, ENCRYPTED_ENCODING } from './aes-gcm-codec';
export { parsePayloadKeys, type PayloadKeys } from './payload-keys';

/** The data converter for this process's configuration; a bad key setting is a ConfigError. */
export function dataConverterFromConfig(config: MedicConfig) {
  try {
    return dataConverterFor(parsePayloadKeys(config.payloadKeysSpec, config.payloadKeyId));
  } catch (err) {
    if (err instanceof PayloadKeyError) throw new ConfigError(err.message);
    throw err;
  }
}
