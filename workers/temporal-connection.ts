import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import type { MedicConfig } from '../domain/config';

/**
 * How every process (worker, API, CLI) reaches Temporal: plain gRPC to the local dev server, or
 * TLS (mTLS certificates and/or a Temporal Cloud API key) to a cluster. The same options serve the
 * client `Connection` and the worker's `NativeConnection`.
 */
export function temporalConnectionOptions(
  config: Pick<MedicConfig, 'temporalAddress' | 'temporalTls' | 'temporalApiKey'>,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'> & { apiKey?: string } {
  const tls = config.temporalTls;
  return {
    address: config.temporalAddress,
    ...(tls
      ? {
          tls: {
            ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
            ...(tls.serverCaCertPath ? { serverRootCACertificate: readFile(tls.serverCaCertPath) } : {}),
            ...(tls.clientCertPath && tls.clientKeyPath
              ? { clientCertPair: { crt: readFile(tls.clientCertPath), key: readFile(tls.clientKeyPath) } }
              : {}),
          },
        }
      : {}),
    ...(config.temporalApiKey ? { apiKey: config.temporalApiKey } : {}),
  };
}

/**
 * Connects (a client `Connection` or the worker's `NativeConnection`) with the options above. A
 * failure names the address: the SDK says only "Failed to connect before the deadline".
 */
export async function connectTemporal<C>(
  config: Pick<MedicConfig, 'temporalAddress' | 'temporalTls' | 'temporalApiKey'>,
  connect: (options: ReturnType<typeof temporalConnectionOptions>) => Promise<C>,
): Promise<C> {
  return connect(temporalConnectionOptions(config)).catch((err: unknown) => {
    throw new Error(
      `cannot reach Temporal at ${config.temporalAddress} (TEMPORAL_ADDRESS; the local stack: make up)`,
      { cause: err },
    );
  });
}
