/**
 * The ONNX side of the model contract: a session's inputs and outputs must be the ones its card names,
 * float32, NCDHW with D = k, H = j, W = i, and wherever the model fixes a size, the card's size.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ModelLoadError } from './errors';
import type { ResnetCard, UnetCard } from './model-card';

/** One expected dimension: a size, or null where any size (or a symbolic one) will do. */
type Expected = number | null;

function metadataOf(
  file: string,
  session: InferenceSession,
  side: 'input' | 'output',
  name: string,
): InferenceSession.ValueMetadata {
  const names = side === 'input' ? session.inputNames : session.outputNames;
  const all = side === 'input' ? session.inputMetadata : session.outputMetadata;
  const found = all.find((m) => m.name === name);
  if (!found) {
    throw new ModelLoadError(
      file,
      'names-mismatch',
      `the card names ${side} "${name}", the model's ${side}s are ${names.map((n) => `"${n}"`).join(', ')}`,
    );
  }
  return found;
}

function checkTensor(
  file: string,
  metadata: InferenceSession.ValueMetadata,
  expected: Expected[],
  meaning: string,
): void {
  const fail = (what: string) =>
    new ModelLoadError(file, 'shape-mismatch', `"${metadata.name}" ${what}; the card expects ${meaning}`);
  if (!metadata.isTensor) throw fail('is not a tensor');
  if (metadata.type !== 'float32') throw fail(`holds ${metadata.type}, not float32`);
  const shape = metadata.shape;
  if (shape.length !== 0 && shape.length !== expected.length) throw fail(`has shape [${shape.join(', ')}]`);
  shape.forEach((dim, n) => {
    const want = expected[n];
    if (typeof dim === 'number' && dim >= 0 && want !== null && want !== undefined && dim !== want) {
      throw fail(`has shape [${shape.join(', ')}]`);
    }
  });
}

/** Whether `session`'s input takes any batch size (its first dimension is symbolic). */
export function hasDynamicBatch(session: InferenceSession, inputName: string): boolean {
  const metadata = session.inputMetadata.find((m) => m.name === inputName);
  return metadata !== undefined && metadata.isTensor && typeof metadata.shape[0] !== 'number';
}

function checkSingleInput(file: string, session: InferenceSession, name: string): void {
  if (session.inputNames.length !== 1) {
    throw new ModelLoadError(
      file,
      'names-mismatch',
      `the model takes ${session.inputNames.length} inputs (${session.inputNames.join(', ')}), the card one ("${name}")`,
    );
  }
}

export function checkUnetSession(file: string, card: UnetCard, session: InferenceSession): void {
  checkSingleInput(file, session, card.input.name);
  const [pi, pj, pk] = card.patch.size;
  checkTensor(
    file,
    metadataOf(file, session, 'input', card.input.name),
    [null, 1, pk, pj, pi],
    `[N, 1, ${pk}, ${pj}, ${pi}] (patch size k, j, i) or symbolic sizes`,
  );
  const { channels } = card.output;
  checkTensor(
    file,
    metadataOf(file, session, 'output', card.output.name),
    [null, channels, pk, pj, pi],
    `[N, ${channels}, ${pk}, ${pj}, ${pi}] (channels, patch size k, j, i)`,
  );
}

export function checkResnetSession(file: string, card: ResnetCard, session: InferenceSession): void {
  checkSingleInput(file, session, card.input.name);
  const [si, sj, sk] = card.input.size;
  checkTensor(
    file,
    metadataOf(file, session, 'input', card.input.name),
    [null, 1, sk, sj, si],
    `[1, 1, ${sk}, ${sj}, ${si}] (input size k, j, i)`,
  );
  const { probability, features } = card.outputs;
  const probabilityMeta = metadataOf(file, session, 'output', probability.name);
  const rank = probabilityMeta.isTensor ? probabilityMeta.shape.length : 0;
  checkTensor(file, probabilityMeta, rank === 1 ? [null] : [null, 1], 'one value per case: [1, 1] or [1]');
  const featuresMeta = metadataOf(file, session, 'output', features.name);
  // Pooled features may keep their unit spatial axes ([1, C, 1, 1, 1]); only the count must be the card's.
  const perCase = featuresMeta.isTensor ? featuresMeta.shape.slice(1) : [];
  const known = perCase.every((d) => typeof d === 'number' && d >= 0);
  const count = perCase.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1);
  checkTensor(
    file,
    featuresMeta,
    featuresMeta.isTensor ? featuresMeta.shape.map(() => null) : [],
    `${features.length} float32 values per case`,
  );
  if (known && perCase.length > 0 && count !== features.length) {
    throw new ModelLoadError(
      file,
      'shape-mismatch',
      `"${features.name}" holds ${count} values per case, the card's outputs.features.length is ${features.length}`,
    );
  }
}
