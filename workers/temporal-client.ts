import { Client, Connection } from '@temporalio/client';
import { dataConverterFromConfig } from '../codec';
import type { MedicConfig } from '../domain/config';
import { connectTemporal } from './temporal-connection';

/**
 * Runs `fn` with a client made from this process's configuration (address, TLS, namespace, payload
 * codec), then disconnects: for the CLI, the demo and other short-lived callers.
 */
export async function withTemporal<T>(config: MedicConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await connectTemporal(config, (options) => Connection.connect(options));
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
