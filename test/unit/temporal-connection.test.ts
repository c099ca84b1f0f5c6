import { ConfigError, loadConfig } from '../../domain/config';
import { temporalConnectionOptions } from '../../workers/temporal-connection';

const files: Record<string, string> = { '/c.pem': 'CERT', '/k.pem': 'KEY', '/ca.pem': 'CA' };
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`no such file ${path}`);
  return Buffer.from(text);
};

describe('Temporal connection settings', () => {
  test('the local dev server: plain gRPC, no key', () => {
    const options = temporalConnectionOptions(loadConfig({}), readFile);
    expect(options).toEqual({ address: '127.0.0.1:7233' });
  });

  test('mTLS to a self-hosted cluster reads the certificate files the Temporal CLI variables name', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    const options = temporalConnectionOptions(config, readFile);
    expect(options.address).toBe('temporal.internal:7233');
    expect(options.tls).toEqual({
      serverNameOverride: 'temporal',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
    expect(options.apiKey).toBeUndefined();
  });

  test('a Temporal Cloud API key turns TLS on by itself', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'medic.abc12',
      TEMPORAL_API_KEY: 'secret-key',
    });
    const options = temporalConnectionOptions(config, readFile);
    expect(options).toEqual({
      address: 'us-east-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'secret-key',
    });
    expect(config.temporalNamespace).toBe('medic.abc12');
  });

  test('contradictions and half-configured mTLS are refused with the variable named', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' })).toThrow(
      /TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
    expect(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS must be true or false/);
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporalTls).toEqual({});
  });

  test('a missing certificate file fails at connect time, naming it', () => {
    const config = loadConfig({
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/missing.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem',
    });
    expect(() => temporalConnectionOptions(config, readFile)).toThrow(/missing\.pem/);
  });
});
