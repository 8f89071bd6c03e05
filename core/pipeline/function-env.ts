/** Names of the environment variables the stack (or the local stack) gives the handlers. */
export const FUNCTION_ENV = {
  studiesBucket: 'STUDIES_BUCKET',
  modelsBucket: 'MODELS_BUCKET',
  studiesTable: 'STUDIES_TABLE',
  stateMachineArn: 'STATE_MACHINE_ARN',
  inferenceEndpoint: 'INFERENCE_ENDPOINT',
  /** Prefix in the models bucket of the XGBoost model version the Fuse step scores with. */
  xgboostModelPrefix: 'XGBOOST_MODEL_PREFIX',
  /** Prefixes of the U-Net and ResNet50 versions the CPU tier's Infer function loads (the container's names). */
  unetModelPrefix: 'UNET_MODEL_PREFIX',
  resnetModelPrefix: 'RESNET_MODEL_PREFIX',
} as const;
