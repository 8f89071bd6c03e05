import { mkdir } from 'node:fs/promises';
import S3rver, { type S3rverEventRecord } from 's3rver';
import { closeServer, LOOPBACK } from './http-server';
import { LOCAL_CREDENTIALS } from './local-env';
import { listObjectsV2 } from './s3-list-objects-v2';
import { refusePresigned } from './s3-presigned-check';
import { refuseS3Request, s3Target } from './s3-request-guard';

export interface LocalS3 {
  endpoint: string;
  port: number;
  /** Every object-created record the server emits; returns a function that stops listening. */
  onObjectCreated(listener: (record: S3rverEventRecord) => void): () => void;
  close(): Promise<void>;
}

/** One request to a local S3 server: the bucket and key it named, and whether the guard refused it. */
export interface S3RequestRecord {
  method: string;
  bucket: string;
  key: string;
  refused: boolean;
}

const requestWatchers = new Set<(request: S3RequestRecord) => void>();

/**
 * Hears every bucket or object request made to any local S3 server of this process (the functions' reads
 * and writes included), so that a test can show that a study's run touched only its own keys. Returns a
 * function that stops listening.
 */
export function watchS3Requests(listener: (request: S3RequestRecord) => void): () => void {
  requestWatchers.add(listener);
  return () => requestWatchers.delete(listener);
}

/** The part of a Koa request context (s3rver is a Koa application) that the request guard uses. */
interface KoaContext {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  querystring: string;
  status: number;
  type: string;
  body: unknown;
  get(header: string): string;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/**
 * s3rver on the loopback interface with its objects under `directory` and the given buckets. It accepts
 * only the credentials S3RVER / S3RVER (../shared/ENVIRONMENT.md). Requests whose bucket, key, copy source
 * or multipart ids would resolve outside `directory` are refused first (s3-request-guard.ts), and so are
 * presigned URLs whose signature or time window does not hold (s3-presigned-check.ts). ListObjectsV2 is
 * answered as S3 answers it, truncated listings included (s3-list-objects-v2.ts).
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
  // Koa composes its middleware when the server starts: the guard placed first sees every request, and
  // our ListObjectsV2 goes just before s3rver's router (inside the layer that writes object bodies as XML).
  const { middleware } = server as unknown as { middleware: (KoaMiddleware & { router?: unknown })[] };
  const router = middleware.findIndex((layer) => layer.router !== undefined);
  if (router === -1) throw new Error("s3rver's router was not found among its middleware");
  middleware.splice(router, 0, listObjectsV2 as unknown as KoaMiddleware);
  middleware.unshift(guardRequest);
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

const guardRequest: KoaMiddleware = async (ctx, next) => {
  const refusal =
    refuseS3Request({
      rawPath: ctx.path,
      query: new URLSearchParams(ctx.querystring),
      copySource: ctx.get('x-amz-copy-source') || undefined,
    }) ??
    (await refusePresigned(
      { method: ctx.method, rawPath: ctx.path, rawQuery: ctx.querystring, headers: ctx.headers },
      LOCAL_CREDENTIALS,
    ));
  const target = requestWatchers.size > 0 ? s3Target(ctx.path) : undefined;
  if (target)
    for (const watch of requestWatchers)
      watch({ method: ctx.method, ...target, refused: refusal !== undefined });
  if (!refusal) return next();
  ctx.status = refusal.status;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message></Error>`;
};

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
