/**
 * A full-width 3D ResNet50 as ONNX, with seeded random weights, for timing the production-size network
 * (the demo ResNet is trained at a narrow width). Same layout as scripts/demo-models/networks.py
 * ResNet3D50 with BatchNorm folded into the convolutions: 7×7×7 stride-2 stem, bottleneck blocks 3-4-6-3
 * (expansion 4), global average pooling to `baseWidth · 32` features (2048 at base width 64), one logit.
 * Spatial axes are dynamic: the model card's input.size decides the crop.
 */
import onnxProto from 'onnx-proto';
import { createRng, type Rng } from '../core/phantom';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const OPSET = 17;
export const IR_VERSION = 8;
const EXPANSION = 4;
/** The residual branch's last convolution is scaled down so that 16 blocks of random weights stay finite. */
const RESIDUAL_GAIN = 0.2;

export interface Resnet50Options {
  baseWidth?: number;
  blocks?: readonly number[];
  seed?: number;
  input?: string;
  logit?: string;
  features?: string;
}

export interface Resnet50Model {
  bytes: Uint8Array;
  parameters: number;
  featureLength: number;
}

/** An ONNX graph under construction: nodes, initializers and the count of parameters they hold. */
export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  parameters = 0;
  private counter = 0;

  constructor(private readonly rng: Rng) {}

  /** Conv (+ bias, i.e. folded BatchNorm) with He-uniform weights; returns the output name. */
  conv(input: string, cIn: number, cOut: number, kernel: number, stride: number, gain = 1): string {
    const name = `conv${this.counter++}`;
    const fanIn = cIn * kernel ** 3;
    const bound = gain * Math.sqrt(6 / fanIn);
    const weights = new Float32Array(cOut * fanIn);
    for (let n = 0; n < weights.length; n++) weights[n] = (2 * this.rng.uniform() - 1) * bound;
    this.tensor(`${name}.w`, [cOut, cIn, kernel, kernel, kernel], weights);
    this.tensor(`${name}.b`, [cOut], new Float32Array(cOut));
    const pad = (kernel - 1) / 2;
    this.nodes.push({
      opType: 'Conv',
      input: [input, `${name}.w`, `${name}.b`],
      output: [name],
      attribute: [
        ints('kernel_shape', [kernel, kernel, kernel]),
        ints('strides', [stride, stride, stride]),
      ].concat(pad > 0 ? [ints('pads', [pad, pad, pad, pad, pad, pad])] : []),
    });
    return name;
  }

  op(opType: string, input: string[], attribute: onnxProto.onnx.IAttributeProto[] = []): string {
    const name = `${opType.toLowerCase()}${this.counter++}`;
    this.nodes.push({ opType, input, output: [name], attribute });
    return name;
  }

  tensor(name: string, dims: number[], values: Float32Array): void {
    this.parameters += values.length;
    this.initializers.push({
      name,
      dataType: FLOAT,
      dims,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
  }
}

export function ints(name: string, values: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function bottleneck(g: GraphBuilder, x: string, cIn: number, width: number, stride: number): string {
  const cOut = width * EXPANSION;
  let y = g.op('Relu', [g.conv(x, cIn, width, 1, 1)]);
  y = g.op('Relu', [g.conv(y, width, width, 3, stride)]);
  y = g.conv(y, width, cOut, 1, 1, RESIDUAL_GAIN);
  const shortcut = stride === 1 && cIn === cOut ? x : g.conv(x, cIn, cOut, 1, stride);
  return g.op('Relu', [g.op('Add', [y, shortcut])]);
}

export function buildResnet50Onnx(options: Resnet50Options = {}): Resnet50Model {
  const baseWidth = options.baseWidth ?? 64;
  const blocks = options.blocks ?? [3, 4, 6, 3];
  const input = options.input ?? 'image';
  const g = new GraphBuilder(createRng(options.seed ?? 1, 'resnet50-bench'));
  let x = g.op('Relu', [g.conv(input, 1, baseWidth, 7, 2)]);
  let channels = baseWidth;
  blocks.forEach((count, stage) => {
    const width = baseWidth * 2 ** stage;
    for (let b = 0; b < count; b++) {
      x = bottleneck(g, x, channels, width, b === 0 && stage > 0 ? 2 : 1);
      channels = width * EXPANSION;
    }
  });
  const features = options.features ?? 'features';
  const logit = options.logit ?? 'logit';
  const pooled = g.op('GlobalAveragePool', [x]);
  g.nodes.push({
    opType: 'Flatten',
    input: [pooled],
    output: [features],
    attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
  });
  g.tensor('fc.w', [1, channels], randomVector(channels));
  g.tensor('fc.b', [1], new Float32Array(1));
  g.nodes.push({
    opType: 'Gemm',
    input: [features, 'fc.w', 'fc.b'],
    output: [logit],
    attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
  });
  const bytes = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'sap-pipeline bench',
    graph: {
      name: 'resnet50-3d',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(input, ['batch', 1, 'depth', 'height', 'width'])],
      output: [valueInfo(logit, ['batch', 1]), valueInfo(features, ['batch', channels])],
    },
  }).finish();
  return { bytes, parameters: g.parameters, featureLength: channels };
}

function randomVector(length: number): Float32Array {
  const rng = createRng(length, 'resnet50-bench-fc');
  const values = new Float32Array(length);
  for (let n = 0; n < length; n++) values[n] = (2 * rng.uniform() - 1) / Math.sqrt(length);
  return values;
}

export function valueInfo(name: string, shape: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
