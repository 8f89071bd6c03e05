import { z } from 'zod';
import type { ModelCard } from './model-card';

/** The three models behind a score: the segmentation U-Net, the deep-feature ResNet50, the fusion model. */
export type SyntheticModel = 'unet' | 'resnet' | 'xgboost';

/** Whether any model behind a result is a synthetic demo model, which, and the one notice that says so. */
export interface SyntheticMark {
  synthetic: boolean;
  /** The synthetic models, where known (an inference.json written before it named them says only "either"). */
  syntheticModels?: SyntheticModel[];
  /** One sentence naming them: "Synthetic demo models, not for clinical use: U-Net unet-demo demo-1, …". */
  notice?: string;
}

const modelRef = z.object({ name: z.string(), version: z.string() });
/** The parts of inference.json this reads; the rest is the inference schema's business. */
const inferenceMarks = z.looseObject({
  synthetic: z.boolean().optional(),
  syntheticModels: z.array(z.enum(['unet', 'resnet'])).optional(),
  models: z.looseObject({ unet: modelRef.optional(), resnet: modelRef.optional() }).optional(),
});

const KIND_NAMES: Record<SyntheticModel, string> = {
  unet: 'U-Net',
  resnet: 'ResNet50',
  xgboost: 'fusion model',
};

/**
 * docs/models.md promises `"synthetic": true` in every result a synthetic model touched: the image models
 * say so in inference.json (`synthetic`, `syntheticModels`), the fusion model in its card (`syntheticDemo`).
 */
export function syntheticMark(card: ModelCard, inference: unknown): SyntheticMark {
  const marks = inferenceMarks.safeParse(inference).data;
  const imageModels = marks?.synthetic ? (marks.syntheticModels ?? 'unnamed') : [];
  const models: SyntheticModel[] = [
    ...(imageModels === 'unnamed' ? [] : imageModels),
    ...(card.syntheticDemo ? (['xgboost'] as const) : []),
  ];
  if (models.length === 0 && imageModels !== 'unnamed') return { synthetic: false };
  const named = models.map((kind) => {
    const ref = kind === 'xgboost' ? card : marks?.models?.[kind];
    return ref ? `${KIND_NAMES[kind]} ${ref.name} ${ref.version}` : KIND_NAMES[kind];
  });
  if (imageModels === 'unnamed')
    named.unshift('the U-Net or the ResNet50 (inference.json does not say which)');
  const plural = named.length > 1 || imageModels === 'unnamed' ? 's' : '';
  return {
    synthetic: true,
    syntheticModels: models,
    notice: `Synthetic demo model${plural}, not for clinical use: ${named.join(', ')}.`,
  };
}
