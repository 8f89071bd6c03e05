/**
 * Where a deployment runs the U-Net and ResNet50 (`cdk deploy -c inference=gpu|cpu`):
 * - `gpu`: the asynchronous SageMaker endpoint (containers/gpu-inference), the default, for models that
 *   need a GPU;
 * - `cpu`: a Lambda function running the same core/inference code on onnxruntime-node's CPU build, for
 *   hospitals whose volume does not pay for a GPU endpoint's idle time.
 */
export const INFERENCE_TIERS = ['gpu', 'cpu'] as const;
export type InferenceTier = (typeof INFERENCE_TIERS)[number];
export const DEFAULT_INFERENCE_TIER: InferenceTier = 'gpu';
