import { mkdir } from 'node:fs/promises';
import S3rver, { type S3rverEventRecord } from 's3rver';
import { closeServer, LOOPBACK } from './http-server';

export interface LocalS3 {
  endpoint: string;
  port: number;
  /** Every object-created record the server emits; returns a function that stops listening. */
  onObjectCreated(listener: (record: S3rverEventRecord) => void): () => void;
  close(): Promise<void>;
}

/**
 * s3rver on the loopback interface with its objects under `directory` and the given buckets. It accepts
 * only the credentials S3RVER / S3RVER (../shared/ENVIRONMENT.md).
 */
export async function startS3(options: {
  directory: string;
  port?: number;
  buckets: string[];
}): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: LOOPBACK,
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    onObjectCreated(listener) {
      const onEvent = (event: { Records: S3rverEventRecord[] }) => {
        for (const record of event.Records)
          if (record.eventName.startsWith('ObjectCreated:')) listener(record);
      };
      server.on('event', onEvent);
      return () => server.off('event', onEvent);
    },
    close: async () => {
      if (server.httpServer) await closeServer(server.httpServer);
    },
  };
}
