import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities, createAwsClients } from '../activities';
import { loadConfig } from '../domain/config';
import { createMedicWorkers, runUntilShutdown } from './create-workers';
import { dataConverterFromConfig } from '../codec';

async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const dataConverter = dataConverterFromConfig(config);
  const temporal = new Client({
    connection: clientConnection,
    namespace: config.temporalNamespace,
    dataConverter,
  });
  const aws = createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint });
  const workers = await createMedicWorkers({
    connection,
    namespace: config.temporalNamespace,
    activities: createActivities({ aws, temporal, config }),
    dataConverter,
    tuning: config.worker,
  });
  console.log(
    JSON.stringify({
      msg: 'worker started',
      temporal: config.temporalAddress,
      aws: config.awsEndpoint ?? 'real AWS',
    }),
  );
  await runUntilShutdown(workers);
  await clientConnection.close();
  await connection.close();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
