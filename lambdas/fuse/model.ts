import { NoSuchKey } from '@aws-sdk/client-s3';
import { loadFusionModel } from '../../core/fusion/load-model';
import { readModelCard, type ModelCard } from '../../core/fusion/model-card';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { StepError } from '../../core/pipeline/step-error';
import { modelPrefix } from '../../core/study/model-keys';
import type { XgbModel } from '../../core/xgboost';
import { requiredEnv } from '../shared/env';
import { getBytes, getJson } from '../shared/s3-objects';

export interface FusionModel {
  card: ModelCard;
  model: XgbModel;
}

/** Loaded once per container: a warm function does not fetch and parse the same model again. */
let cached: { key: string; loaded: FusionModel } | undefined;

/**
 * The fusion model of `version` (`models/xgboost/{version}/`), or the deployment's own version. A version
 * that is not in the models bucket fails with MODEL_NOT_FOUND.
 */
export async function fusionModel(version?: string): Promise<FusionModel> {
  const bucket = requiredEnv(FUNCTION_ENV.modelsBucket);
  const prefix = version ? modelPrefix('xgboost', version) : requiredEnv(FUNCTION_ENV.xgboostModelPrefix);
  const cardJson = await getJson(bucket, `${prefix}model-card.json`).catch((error: unknown) => {
    if (error instanceof NoSuchKey)
      throw new StepError(
        'MODEL_NOT_FOUND',
        `no fusion model card at s3://${bucket}/${prefix}model-card.json`,
      );
    throw error;
  });
  // A card that names inputs the pipeline lacks fails the study (MODEL_CARD_INVALID), never scores without them.
  const source = `s3://${bucket}/${prefix}model-card.json`;
  const card = readModelCard(cardJson, source);
  const key = `${bucket}/${prefix}${card.file}@${card.sha256}`;
  if (cached?.key !== key)
    cached = { key, loaded: loadFusionModel(cardJson, await getBytes(bucket, prefix + card.file), source) };
  return cached.loaded;
}
