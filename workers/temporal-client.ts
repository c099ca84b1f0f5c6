import { Client, Connection } from '@temporalio/client';
import { dataConverterFromConfig } from '../codec';
import type { MedicConfig } from '../domain/config';
import { temporalConnectionOptions } from './temporal-connection';

/**
 * Runs `fn` with a client made from this process's configuration (address, TLS, namespace, payload
 * codec), then disconnects: for the CLI, the demo and other short-lived callers.
 */
export async function withTemporal<T>(config: MedicConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  // The SDK says only "Failed to connect before the deadline"; the reader needs to know where.
  const connection = await Connection.connect(temporalConnectionOptions(config)).catch((err: unknown) => {
    throw new Error(
      `cannot reach Temporal at ${config.temporalAddress} (TEMPORAL_ADDRESS; the local stack: make up)`,
      { cause: err },
    );
  });
  try {
    return await fn(
      new Client({
        connection,
        namespace: config.temporalNamespace,
        dataConverter: dataConverterFromConfig(config),
      }),
    );
  } finally {
    await connection.close();
  }
}
