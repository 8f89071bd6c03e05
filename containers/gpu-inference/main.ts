import { availableParallelism } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import type { Device } from '../../core/inference/execution-provider';
import { logger } from './logger';
import { resolveModelDir } from './model-source';
import { createInferenceServer } from './server';

/**
 * The container's entry point. SageMaker runs the image with the argument `serve` and sends traffic to
 * port 8080 unless it sets SAGEMAKER_BIND_TO_PORT. SAP_THREADS (default: every core) and SAP_DEVICE
 * (auto | cpu | cuda, default auto) tune onnxruntime; models come from the models bucket when the stack
 * sets MODELS_BUCKET, else from SAP_MODEL_DIR or /opt/ml/model:
 *
 *   SAP_MODEL_DIR=models/demo npx tsx containers/gpu-inference/main.ts serve
 */
const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda'];

function configuration(env: NodeJS.ProcessEnv): { port: number; threads: number; device: Device } {
  const port = Number(env.SAGEMAKER_BIND_TO_PORT ?? 8080);
  const threads = Number(env.SAP_THREADS ?? availableParallelism());
  const device = (env.SAP_DEVICE ?? 'auto') as Device;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`SAGEMAKER_BIND_TO_PORT must be a port number, not ${env.SAGEMAKER_BIND_TO_PORT}`);
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`SAP_THREADS must be a whole number ≥ 1, not ${env.SAP_THREADS}`);
  }
  if (!DEVICES.includes(device)) throw new Error(`SAP_DEVICE must be one of ${DEVICES.join(', ')}`);
  return { port, threads, device };
}

const command = process.argv[2];
if (command !== undefined && command !== 'serve') {
  console.error(`usage: main.ts [serve]  (got ${command})`);
  process.exit(2);
}

const { port, threads, device } = configuration(process.env);
const s3 = new S3Client({});
const { server, ready } = createInferenceServer({
  modelDir: resolveModelDir(process.env, s3),
  s3,
  threads,
  device,
});
// A load failure is logged by the server and reported by /ping (503): SageMaker replaces the instance.
ready.catch(() => undefined);
server.listen(port, () => logger.info('listening', { port, threads, device }));

// SageMaker stops containers with SIGTERM: finish the request in flight, then exit.
process.on('SIGTERM', () => {
  logger.info('SIGTERM: closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
