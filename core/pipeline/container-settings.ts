import type { Device } from '../inference/execution-provider';
import { modelPrefix } from '../study/model-keys';

/** The model versions the inference container loads from the models bucket. */
export interface ContainerModelVersions {
  unet: string;
  resnet: string;
}

export interface InferenceContainerSettings {
  /** The models bucket's name (or a CDK token for it). */
  modelsBucket: string;
  modelVersions: ContainerModelVersions;
  /** The stack's region. */
  region: string;
}

/** Where the container finds its models: `models/{unet|resnet}/{version}/`. */
export function containerModelPrefixes(versions: ContainerModelVersions): ContainerModelVersions {
  return { unet: modelPrefix('unet', versions.unet), resnet: modelPrefix('resnet', versions.resnet) };
}

/** In the cloud a missing or broken GPU must fail the container, never fall back to CPU. */
export const CLOUD_DEVICE: Device = 'cuda';

/**
 * The SageMaker model's container environment, the one source for the endpoint's template
 * (lib/constructs/inference-endpoint.ts) and for the local stack's container process.
 *
 * AWS_REGION: the SDK for JavaScript selects no region by default and reads AWS_REGION
 * (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-region.html). The container's
 * variables are those of its ContainerDefinition.Environment
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html), and no
 * SageMaker document promises a region among the ones hosting adds: without it the model download may
 * fail with "Region is missing", and the local stack's container (which inherits nothing) does.
 */
export function inferenceContainerEnvironment(settings: InferenceContainerSettings): Record<string, string> {
  const prefixes = containerModelPrefixes(settings.modelVersions);
  return {
    MODELS_BUCKET: settings.modelsBucket,
    UNET_MODEL_PREFIX: prefixes.unet,
    RESNET_MODEL_PREFIX: prefixes.resnet,
    AWS_REGION: settings.region,
    SAP_DEVICE: CLOUD_DEVICE,
  };
}
