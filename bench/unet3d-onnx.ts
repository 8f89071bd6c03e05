/**
 * A 3D U-Net of production size as ONNX, with seeded random weights, for timing (only the weights' shapes
 * matter there; the demo U-Net is 0.35 M parameters). The layout is nnU-Net's PlainConvUNet (Isensee et
 * al. 2021) as its 3d_fullres plan makes it for 1.5 mm isotropic CT with a 128³ patch (TotalSegmentator,
 * Wasserthal et al. 2023): six stages of 32, 64, 128, 256, 320, 320 channels, each two 3×3×3 convolutions
 * with InstanceNorm and LeakyReLU(0.01), stages below the first entered by a stride-2 convolution; the
 * decoder upsamples by a 2×2×2 transposed convolution, concatenates the skip and runs two convolutions;
 * a 1×1×1 convolution gives the class logits. Spatial axes are dynamic; each must be a multiple of
 * 2^(stages − 1).
 */
import onnxProto from 'onnx-proto';
import { createRng } from '../core/phantom';
import { GraphBuilder, IR_VERSION, OPSET, ints, valueInfo } from './resnet50-onnx';

const { onnx } = onnxProto;

/** nnU-Net's channels per stage for 3D: 32 doubling per stage, capped at 320. */
export const NNUNET_FEATURES: readonly number[] = [32, 64, 128, 256, 320, 320];
const CONVS_PER_STAGE = 2;
const LEAKY_SLOPE = 0.01;
const INSTANCE_NORM_EPSILON = 1e-5;

export interface Unet3dOptions {
  /** Channels of each stage, first (full resolution) to last. */
  features?: readonly number[];
  /** Output channels (classes, background included). */
  classes?: number;
  seed?: number;
  input?: string;
  output?: string;
}

export interface Unet3dModel {
  bytes: Uint8Array;
  parameters: number;
  /** Each spatial axis of the input must be a multiple of this. */
  sizeMultiple: number;
}

/** Builds the layers on a GraphBuilder: convolution blocks, transposed convolutions, the skip concatenation. */
class UnetLayers {
  private counter = 0;
  private readonly rng;

  constructor(
    readonly g: GraphBuilder,
    seed: number,
  ) {
    this.rng = createRng(seed, 'unet3d-bench-transposed');
  }

  /** Conv 3×3×3 (+ bias) → InstanceNorm (affine) → LeakyReLU. */
  convBlock(x: string, cIn: number, cOut: number, stride: number): string {
    const conv = this.g.conv(x, cIn, cOut, 3, stride);
    const name = `in${this.counter++}`;
    this.g.tensor(`${name}.scale`, [cOut], new Float32Array(cOut).fill(1));
    this.g.tensor(`${name}.bias`, [cOut], new Float32Array(cOut));
    const normed = this.g.op(
      'InstanceNormalization',
      [conv, `${name}.scale`, `${name}.bias`],
      [{ name: 'epsilon', type: onnx.AttributeProto.AttributeType.FLOAT, f: INSTANCE_NORM_EPSILON }],
    );
    return this.g.op(
      'LeakyRelu',
      [normed],
      [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: LEAKY_SLOPE }],
    );
  }

  /** 2×2×2 stride-2 transposed convolution (+ bias), He-uniform weights. */
  upsample(x: string, cIn: number, cOut: number): string {
    const name = `up${this.counter++}`;
    const bound = Math.sqrt(6 / (cIn * 8));
    const weights = new Float32Array(cIn * cOut * 8);
    for (let n = 0; n < weights.length; n++) weights[n] = (2 * this.rng.uniform() - 1) * bound;
    this.g.tensor(`${name}.w`, [cIn, cOut, 2, 2, 2], weights);
    this.g.tensor(`${name}.b`, [cOut], new Float32Array(cOut));
    return this.g.op(
      'ConvTranspose',
      [x, `${name}.w`, `${name}.b`],
      [ints('kernel_shape', [2, 2, 2]), ints('strides', [2, 2, 2])],
    );
  }

  stage(x: string, cIn: number, cOut: number, firstStride: number): string {
    let y = this.convBlock(x, cIn, cOut, firstStride);
    for (let c = 1; c < CONVS_PER_STAGE; c++) y = this.convBlock(y, cOut, cOut, 1);
    return y;
  }
}

export function buildUnet3dOnnx(options: Unet3dOptions = {}): Unet3dModel {
  const features = options.features ?? NNUNET_FEATURES;
  const classes = options.classes ?? 2;
  const input = options.input ?? 'image';
  const output = options.output ?? 'logits';
  const seed = options.seed ?? 1;
  if (features.length < 2) throw new RangeError('a U-Net needs at least two stages');
  const layers = new UnetLayers(new GraphBuilder(createRng(seed, 'unet3d-bench')), seed);
  const { g } = layers;

  const skips: string[] = [];
  let x = input;
  let channels = 1;
  features.forEach((width, s) => {
    x = layers.stage(x, channels, width, s === 0 ? 1 : 2);
    channels = width;
    skips.push(x);
  });
  for (let s = features.length - 2; s >= 0; s--) {
    const width = features[s]!;
    const up = layers.upsample(x, channels, width);
    const joined = g.op(
      'Concat',
      [up, skips[s]!],
      [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    );
    x = layers.stage(joined, 2 * width, width, 1);
    channels = width;
  }
  const head = g.conv(x, channels, classes, 1, 1);
  g.nodes.push({ opType: 'Identity', input: [head], output: [output] });

  const bytes = encodeUnet('unet3d-nnunet-plain', g, input, output, classes);
  return { bytes, parameters: g.parameters, sizeMultiple: 2 ** (features.length - 1) };
}

/**
 * A network with the U-Net's inputs and outputs that costs next to nothing: one 1×1×1 convolution from
 * the image to `classes` logits (random weights). Run through the sliding window, it measures everything
 * there but the network: patch copies, blending, softmax.
 */
export function buildPointwiseUnetOnnx(options: Omit<Unet3dOptions, 'features'> = {}): Uint8Array {
  const classes = options.classes ?? 2;
  const input = options.input ?? 'image';
  const output = options.output ?? 'logits';
  const g = new GraphBuilder(createRng(options.seed ?? 1, 'unet3d-bench-pointwise'));
  g.nodes.push({ opType: 'Identity', input: [g.conv(input, 1, classes, 1, 1)], output: [output] });
  return encodeUnet('unet3d-pointwise', g, input, output, classes);
}

/** The model around `g`: one image in, `classes` logits out, spatial axes dynamic. */
function encodeUnet(
  name: string,
  g: GraphBuilder,
  input: string,
  output: string,
  classes: number,
): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'sap-pipeline bench',
    graph: {
      name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(input, ['batch', 1, 'depth', 'height', 'width'])],
      output: [valueInfo(output, ['batch', classes, 'depth', 'height', 'width'])],
    },
  }).finish();
}
