import { createHash } from 'node:crypto';
import { loadXgboostModel, type XgbModel } from '../xgboost';
import { readModelCard, type ModelCard } from './model-card';

/**
 * Reads a model card (`readModelCard`: MODEL_CARD_INVALID names `source`) and its model file, refusing a
 * file whose checksum is not the card's.
 */
export function loadFusionModel(
  cardJson: unknown,
  modelBytes: Uint8Array,
  source = 'model-card.json',
): { card: ModelCard; model: XgbModel } {
  const card = readModelCard(cardJson, source);
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
