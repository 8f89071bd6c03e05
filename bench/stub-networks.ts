/**
 * Stand-ins for the two networks, for timing the CPU stages around them (bench/cases/inference.ts): they
 * cost next to nothing and return outputs of the real shapes, so what is measured is the inference code
 * alone. The U-Net stand-in answers from the phantom's ground truth (a strong logit inside the pancreas,
 * a strong negative one outside), so the mask and the ResNet's crop are the size a good U-Net gives.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { Vec3 } from '../core/imaging/volume';
import type { ResnetCard, UnetCard } from '../core/inference/model-card';
import type { LoadedModels } from '../core/inference/models';
import { patchGrid } from '../core/inference/sliding-window';

/** |logit| of the stand-in U-Net: sigmoid(8) ≈ 0.9997. */
const STUB_LOGIT = 8;

type Feeds = InferenceSession.FeedsType;
type Fetches = InferenceSession.FetchesType | undefined;

/** Just enough of an InferenceSession for runInference: run, metadata and release. */
function stubSession(
  inputMetadata: InferenceSession.ValueMetadata[],
  run: (feeds: Feeds, fetches: Fetches) => Record<string, Tensor>,
): InferenceSession {
  const session = {
    inputNames: inputMetadata.map((m) => m.name),
    inputMetadata,
    run: (feeds: Feeds, fetches: Fetches) => Promise.resolve(run(feeds, fetches)),
    release: () => Promise.resolve(),
  };
  return session as unknown as InferenceSession;
}

/**
 * The U-Net stand-in: for the n-th patch of the sliding window (runInference asks for them in patchGrid
 * order), the ground truth of that patch as ±STUB_LOGIT. `truth` is 0/1 on the U-Net's grid (`dims`).
 */
function stubUnet(card: UnetCard, truth: Uint8Array, dims: Vec3): InferenceSession {
  const starts = patchGrid(dims, card.patch.size, card.patch.overlap);
  const [si, sj, sk] = card.patch.size;
  const patchVoxels = si * sj * sk;
  const [nx, ny] = dims;
  let next = 0;
  const meta = { name: card.input.name, isTensor: true, type: 'float32', shape: ['N', 1, sk, sj, si] };
  return stubSession([meta as InferenceSession.ValueMetadata], (feeds, fetches) => {
    const batch = feeds[card.input.name]!.dims[0]!;
    const given = (fetches as Record<string, Tensor> | undefined)?.[card.output.name];
    const logits =
      given ?? new Tensor('float32', new Float32Array(batch * patchVoxels), [batch, 1, sk, sj, si]);
    const out = logits.data as Float32Array;
    for (let b = 0; b < batch; b++, next = (next + 1) % starts.length) {
      const [i0, j0, k0] = starts[next]!;
      for (let k = 0, q = b * patchVoxels; k < sk; k++) {
        for (let j = 0; j < sj; j++) {
          const row = i0 + nx * (j0 + j + ny * (k0 + k));
          for (let i = 0; i < si; i++, q++) out[q] = truth[row + i] ? STUB_LOGIT : -STUB_LOGIT;
        }
      }
    }
    return { [card.output.name]: logits };
  });
}

/** The ResNet stand-in: logit 0 (probability ½) and zero features. */
function stubResnet(card: ResnetCard): InferenceSession {
  const [si, sj, sk] = card.input.size;
  const meta = { name: card.input.name, isTensor: true, type: 'float32', shape: [1, 1, sk, sj, si] };
  const { probability, features } = card.outputs;
  return stubSession([meta as InferenceSession.ValueMetadata], () => ({
    [probability.name]: new Tensor('float32', new Float32Array(1), [1, 1]),
    [features.name]: new Tensor('float32', new Float32Array(features.length), [1, features.length]),
  }));
}

/**
 * The models of `cards` (their settings: spacing, patch, overlap, window, crop) with stand-in sessions on
 * the CPU provider. `truth`: the ground truth on the U-Net's grid (`modelDims`) of the volume
 * runInference will be given.
 */
export function stubModels(
  cards: { unet: UnetCard; resnet: ResnetCard },
  truth: Uint8Array,
  modelDims: Vec3,
): LoadedModels {
  return {
    unet: { card: cards.unet, session: stubUnet(cards.unet, truth, modelDims), dir: '' },
    resnet: { card: cards.resnet, session: stubResnet(cards.resnet), dir: '' },
    executionProvider: 'cpu',
  };
}
