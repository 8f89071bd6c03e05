import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, get } from 'node:http';
import { pathToFileURL } from 'node:url';
import { closeServer, listen, LOOPBACK } from './http-server';
import { COMPILED, REPO_ROOT, runnableModule } from './paths';

/**
 * The image's entry point (containers/gpu-inference/Dockerfile) as SageMaker starts it (`serve`), with
 * the tether loaded first: it ends the container with this process by watching stdin close. The compiled
 * CLI starts their compiled modules, without tsx.
 */
const CONTAINER_COMMAND = [
  ...(COMPILED ? [] : ['--import', 'tsx']),
  '--import',
  pathToFileURL(runnableModule('local/stack/container-tether.ts')).href,
  runnableModule('containers/gpu-inference/main.ts'),
  'serve',
];
/** The process basics the child needs to run at all; nothing else of this process's environment passes. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR'] as const;
/** The tail of the container's output kept for a startup failure's message. */
const OUTPUT_TAIL_CHARS = 8000;
const PING_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5000;

export interface InferenceContainerOptions {
  /** The SageMaker model's environment (inferenceContainerEnvironment), exactly as the template has it. */
  modelEnvironment: Readonly<Record<string, string>>;
  /** containerLocalOverrides (local-env.ts): the only additions, each replacing a model variable. */
  localOverrides: Readonly<Record<string, string>>;
  /** Copies the container's output to this process's stderr as it comes. */
  forwardOutput: boolean;
  /** How long the models may take to download and load. */
  startupTimeoutSeconds: number;
}

export interface InferenceContainer {
  /** Where /ping and /invocations answer. */
  url: string;
  /** SIGTERM (the container finishes its request in flight), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/**
 * The environment the container process starts with: built from nothing, so no AWS_REGION,
 * AWS_DEFAULT_REGION or other AWS_* of this process (a test runner's, a developer's) reaches it.
 */
export function containerProcessEnvironment(
  options: Pick<InferenceContainerOptions, 'modelEnvironment' | 'localOverrides'>,
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const basics = Object.fromEntries(INHERITED.flatMap((name) => (host[name] ? [[name, host[name]]] : [])));
  return { ...basics, ...options.modelEnvironment, ...options.localOverrides };
}

/** A loopback port that was free a moment ago, for SAGEMAKER_BIND_TO_PORT. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await closeServer(probe);
  return port;
}

/**
 * Starts containers/gpu-inference/main.ts as its own process, as SageMaker would start the image, and
 * resolves once GET /ping answers 200. A container whose models failed to load (/ping 503
 * MODELS_NOT_LOADED), that exits, or that is not healthy in time is stopped, and the start fails with
 * its reason and the tail of its output.
 */
export async function startInferenceContainer(
  options: InferenceContainerOptions,
): Promise<InferenceContainer> {
  const env = containerProcessEnvironment(options);
  const port = Number(env.SAGEMAKER_BIND_TO_PORT);
  if (!Number.isInteger(port) || port <= 0)
    throw new Error('the local overrides must name SAGEMAKER_BIND_TO_PORT');
  const child = spawn(process.execPath, CONTAINER_COMMAND, {
    cwd: REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    if (options.forwardOutput) process.stderr.write(chunk);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? `code ${code}`})`)),
  );
  child.once('error', (error) => keep(Buffer.from(`${error.message}\n`)));

  const url = `http://${LOOPBACK}:${port}`;
  const stop = () => stopChild(child, exited);
  try {
    await waitHealthy(url, exited, options.startupTimeoutSeconds);
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the inference container did not start: ${reason}\n--- its output ---\n${output}`);
  }
  return { url, stop };
}

async function waitHealthy(url: string, exited: Promise<string>, timeoutSeconds: number): Promise<void> {
  let ended: string | undefined;
  void exited.then((how) => (ended = how));
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (ended) throw new Error(`it ${ended}`);
    const ping = await pingOnce(url);
    if (ping?.status === 200) return;
    if (ping?.status === 503 && ping.body.error === 'MODELS_NOT_LOADED') throw new Error(ping.body.message);
    await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL_MS));
  }
  throw new Error(`/ping was not healthy within ${timeoutSeconds} s`);
}

/** One GET /ping: its status and JSON body, or undefined while nothing listens. */
function pingOnce(
  url: string,
): Promise<{ status: number; body: { error?: string; message?: string } } | undefined> {
  return new Promise((resolve) => {
    const request = get(`${url}/ping`, { timeout: 2000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let body: { error?: string; message?: string } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // A body that is not JSON says nothing more than the status.
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), STOP_GRACE_MS).unref());
  if ((await Promise.race([exited, grace])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  child.stdin?.destroy();
}
