import { createHash } from 'node:crypto';
import { loadXgboostModel, type XgbModel } from '../xgboost';
import { modelCardSchema, type ModelCard } from './model-card';
import { ModelCardMismatch } from './fuse';

/** Reads a model card and its model file, refusing a file whose checksum is not the card's. */
export function loadFusionModel(
  cardJson: unknown,
  modelBytes: Uint8Array,
): { card: ModelCard; model: XgbModel } {
  const parsed = modelCardSchema.safeParse(cardJson);
  if (!parsed.success) throw new ModelCardMismatch(`model-card.json: ${parsed.error.message}`);
  const card = parsed.data;
  const actual = createHash('sha256').update(modelBytes).digest('hex');
  if (actual !== card.sha256) {
    const error = new Error(
      `${card.file} has sha256 ${actual}; its card lists ${card.sha256}: the model was changed or damaged`,
    );
    error.name = 'MODEL_CHECKSUM_MISMATCH';
    throw error;
  }
  return { card, model: loadXgboostModel(modelBytes) };
}
