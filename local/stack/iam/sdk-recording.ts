import type { Principal } from './principals';
import { recordCall } from './recorder';
import { callsOfCommand, type RecordedService } from './sdk-calls';

/** The part of an SDK v3 client's middleware stack this uses (clients differ in their input types). */
interface CommandStack {
  add(
    middleware: (
      next: (args: { input: object }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: object }) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

const instrumented = new WeakSet<object>();

/**
 * Adds a middleware that records every command the client sends (and every URL it presigns: S3 then
 * authorizes the request with the signer's role) as the principal running it, or as `principal` when
 * given. The handlers' clients are module singletons: each is instrumented once per process.
 */
export function recordClientCalls(
  client: { middlewareStack: object },
  service: RecordedService,
  principal?: Principal,
): void {
  if (instrumented.has(client)) return;
  instrumented.add(client);
  (client.middlewareStack as CommandStack).add(
    (next, context) => async (args) => {
      for (const call of callsOfCommand(
        service,
        context.commandName ?? '',
        args.input as Record<string, unknown>,
      ))
        recordCall(call, principal);
      return next(args);
    },
    { step: 'initialize', name: 'sapIamCallRecorder' },
  );
}

/**
 * Instruments the deployed functions' SDK clients (lambdas/shared/aws-clients.ts). Import it only after
 * the local stack set the functions' environment: the clients read their endpoints when created.
 */
export async function recordHandlerClientCalls(): Promise<void> {
  const clients = await import('../../../lambdas/shared/aws-clients');
  recordClientCalls(clients.s3, 's3');
  recordClientCalls(clients.s3Presigner, 's3');
  recordClientCalls(clients.dynamo, 'dynamodb');
  recordClientCalls(clients.sfn, 'states');
  recordClientCalls(clients.sagemaker, 'sagemaker');
}
