/**
 * Tiny ONNX models written with onnx-proto, standing in for the U-Net and the ResNet50 in tests: a few ops
 * whose output the tests can predict exactly.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

type Dim = number | string;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
/** Opset 13: ReduceMean/ReduceMax still take `axes` as an attribute. */
const OPSET = 13;
const IR_VERSION = 7;

function valueInfo(name: string, shape: Dim[]): onnxProto.onnx.IValueInfoProto {
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

function scalar(name: string, value: number): onnxProto.onnx.ITensorProto {
  return { name, dataType: FLOAT, dims: [], floatData: [value] };
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: onnxProto.onnx.IAttributeProto[] = [],
): onnxProto.onnx.INodeProto {
  return { opType, input, output, attribute };
}

function ints(name: string, values: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function int(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function encodeModel(graph: onnxProto.onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'sap-pipeline tests',
    graph,
  }).finish();
}

const DYNAMIC_PATCH: Dim[] = ['batch', 1, 'depth', 'height', 'width'];

export interface ThresholdUnetOptions {
  input?: string;
  output?: string;
  /** Logit = gain · (x − level): positive where the normalised intensity is above `level`. */
  level: number;
  gain?: number;
  /** Static input/output shape instead of dynamic axes. */
  shape?: Dim[];
}

/** A U-Net stand-in: one-channel logits gain·(x − level), voxel by voxel. */
export function thresholdUnet(options: ThresholdUnetOptions): Uint8Array {
  const input = options.input ?? 'image';
  const output = options.output ?? 'logits';
  const shape = options.shape ?? DYNAMIC_PATCH;
  return encodeModel({
    name: 'threshold-unet',
    node: [node('Sub', [input, 'level'], ['centred']), node('Mul', ['centred', 'gain'], [output])],
    initializer: [scalar('level', options.level), scalar('gain', options.gain ?? 50)],
    input: [valueInfo(input, shape)],
    output: [valueInfo(output, shape)],
  });
}

/** A U-Net stand-in that returns its input: shows what the sliding window and blending do to it. */
export function identityUnet(shape: Dim[] = DYNAMIC_PATCH): Uint8Array {
  return encodeModel({
    name: 'identity-unet',
    node: [node('Identity', ['image'], ['logits'])],
    input: [valueInfo('image', shape)],
    output: [valueInfo('logits', shape)],
  });
}

/**
 * A two-class U-Net stand-in: channel 0 = −x·gain, channel 1 = x·gain, so softmax channel 1 is
 * sigmoid(2·gain·x).
 */
export function twoClassUnet(gain: number): Uint8Array {
  return encodeModel({
    name: 'two-class-unet',
    node: [
      node('Mul', ['image', 'gain'], ['fg']),
      node('Neg', ['fg'], ['bg']),
      node('Concat', ['bg', 'fg'], ['logits'], [int('axis', 1)]),
    ],
    initializer: [scalar('gain', gain)],
    input: [valueInfo('image', DYNAMIC_PATCH)],
    output: [valueInfo('logits', ['batch', 2, 'depth', 'height', 'width'])],
  });
}

export interface PoolingResnetOptions {
  size: [number, number, number];
  /** Logit = scale · mean(x) + bias. */
  scale: number;
  bias: number;
}

/**
 * A ResNet stand-in: logit = scale·mean(x) + bias; features = [mean(x), max(x), min(x)] (length 3).
 * Input shape [1, 1, k, j, i] from `size` (i, j, k).
 */
export function poolingResnet({ size, scale, bias }: PoolingResnetOptions): Uint8Array {
  const spatial = [2, 3, 4]; // N and C stay: each pooled value is [1, 1]
  return encodeModel({
    name: 'pooling-resnet',
    node: [
      node('ReduceMean', ['image'], ['mean'], [ints('axes', spatial), int('keepdims', 0)]),
      node('ReduceMax', ['image'], ['max'], [ints('axes', spatial), int('keepdims', 0)]),
      node('ReduceMin', ['image'], ['min'], [ints('axes', spatial), int('keepdims', 0)]),
      node('Mul', ['mean', 'scale'], ['scaled']),
      node('Add', ['scaled', 'bias'], ['logit']),
      node('Concat', ['mean', 'max', 'min'], ['features'], [int('axis', 1)]),
    ],
    initializer: [scalar('scale', scale), scalar('bias', bias)],
    input: [valueInfo('image', [1, 1, size[2], size[1], size[0]])],
    output: [valueInfo('logit', [1, 1]), valueInfo('features', [1, 3])],
  });
}
