import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import dynalite from 'dynalite';
import { closeServer, listen, LOOPBACK } from './http-server';
import { studiesTableDefinition } from './studies-table-definition';

export interface LocalDynamo {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** dynalite on the loopback interface (LevelDB under `directory`, or in memory) with the studies table. */
export async function startDynamo(options: {
  directory?: string;
  port?: number;
  tableName: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
}): Promise<LocalDynamo> {
  if (options.directory) await mkdir(options.directory, { recursive: true });
  // Tables are ACTIVE at once: the local stack has no reason to wait as DynamoDB makes one.
  const server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, options.port ?? 0);
  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = new DynamoDBClient({ endpoint, region: options.region, credentials: options.credentials });
  try {
    await client.send(new CreateTableCommand(studiesTableDefinition(options.tableName)));
  } catch (error) {
    // A data folder from an earlier run already holds the table.
    if (!(error instanceof ResourceInUseException)) {
      await closeServer(server);
      throw error;
    }
  } finally {
    client.destroy();
  }
  return { endpoint, port, close: () => closeServer(server) };
}
