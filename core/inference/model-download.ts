import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The object store a model folder is downloaded from (the models bucket), as the caller's S3 client
 * reaches it: the SageMaker container (containers/gpu-inference/model-source.ts) and the CPU tier's
 * Lambda function (lambdas/infer-cpu/) each adapt their own client to it.
 */
export interface ModelObjectStore {
  /** Where the objects are, for messages: `s3://bucket`. */
  location: string;
  /** The keys under `prefix` (folders' placeholder keys ending in / included or not). */
  listKeys(prefix: string): AsyncIterable<string>;
  /** An object's body as a stream. */
  open(key: string): Promise<Readable>;
}

/** A model folder holds a card and an ONNX file (maybe external data): more is a wrong prefix. */
export const MAX_FILES_PER_MODEL = 32;
/** A relative name inside a model prefix: no empty, `.` or `..` segment. */
const SAFE_RELATIVE = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Every object under `prefix` into `target`, keeping relative paths; streamed (a ResNet50 is ~100 MB). */
export async function downloadModelPrefix(
  store: ModelObjectStore,
  prefix: string,
  target: string,
): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys(prefix)) {
    if (!key.endsWith('/')) keys.push(key);
    if (keys.length > MAX_FILES_PER_MODEL) {
      throw new Error(
        `${store.location}/${prefix} holds more than ${MAX_FILES_PER_MODEL} files: not a model folder`,
      );
    }
  }
  if (keys.length === 0) throw new Error(`no model files under ${store.location}/${prefix}`);
  const names: string[] = [];
  for (const key of keys) {
    const name = key.slice(prefix.length);
    if (!SAFE_RELATIVE.test(name)) throw new Error(`unsafe model file name ${store.location}/${key}`);
    const path = join(target, name);
    await mkdir(dirname(path), { recursive: true });
    await pipeline(await store.open(key), createWriteStream(path));
    names.push(name);
  }
  return names;
}
