import { z } from 'zod';

/**
 * The model contract (docs/models.md): a `model-card.json` beside each ONNX file says how to feed the
 * network and how to read its outputs. Hospitals bring their own models in this form.
 *
 * Tensors are NCDHW with D = k (axial slices), H = j, W = i of the canonical RAS+ volume, so a volume's
 * voxel order (i fastest) is the tensor's memory order.
 */
const vec3 = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const size3 = z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]);

/** HU clipped to the window, then mapped to [0, 1] (`unit`) or standardised (`z-score`, after clipping). */
export const intensitySchema = z
  .object({
    huWindow: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => hi > lo, 'huWindow must be [low, high] with high > low'),
    normalisation: z.discriminatedUnion('type', [
      z.object({ type: z.literal('unit') }),
      z.object({ type: z.literal('z-score'), mean: z.number(), std: z.number().positive() }),
    ]),
  })
  .strict();

const common = {
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  /** ONNX file, relative to the card. */
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** True for the bundled demo models: every result they produce says so. */
  synthetic: z.boolean(),
  intendedUse: z.string().min(1),
  intensity: intensitySchema,
  /** Free text: how it was trained, on what data, its measured quality. */
  description: z.string().optional(),
};

export const unetCardSchema = z
  .object({
    ...common,
    kind: z.literal('unet'),
    /** Voxel size in mm along i, j, k that the network was trained on; volumes are resampled to it. */
    spacingMm: vec3,
    input: z.object({ name: z.string().min(1) }).strict(),
    /** Sliding window: patch size along i, j, k and the fraction by which neighbouring patches overlap. */
    patch: z.object({ size: size3, overlap: z.number().min(0).max(0.9) }).strict(),
    output: z
      .object({
        name: z.string().min(1),
        /** `logits` (sigmoid or softmax applied here) or `probability`. */
        kind: z.enum(['logits', 'probability']),
        /** 1: a pancreas channel (sigmoid); ≥ 2: classes (softmax / argmax), pancreas = foregroundChannel. */
        channels: z.number().int().min(1),
        foregroundChannel: z.number().int().min(0),
        /** Probability above which a voxel is pancreas (single-channel outputs). */
        threshold: z.number().gt(0).lt(1).default(0.5),
      })
      .strict()
      .refine((o) => o.foregroundChannel < o.channels, 'foregroundChannel must be below channels'),
  })
  .strict();

export const resnetCardSchema = z
  .object({
    ...common,
    kind: z.literal('resnet'),
    input: z
      .object({
        name: z.string().min(1),
        /** The crop is resized to this many voxels along i, j, k. */
        size: size3,
      })
      .strict(),
    /**
     * Margin in mm added on each side of the mask's bounding box (on the volume's own grid, clamped to
     * it); the crop is then resized to input.size and windowed.
     */
    cropMarginMm: z.number().min(0),
    outputs: z
      .object({
        /** SAP output: one value per case, a logit or a probability. */
        probability: z.object({ name: z.string().min(1), kind: z.enum(['logit', 'probability']) }).strict(),
        /** Global-average-pooled feature vector (2048 for a full-width ResNet50). */
        features: z.object({ name: z.string().min(1), length: z.number().int().min(1) }).strict(),
      })
      .strict(),
    architecture: z
      .object({ blocks: z.array(z.number().int().min(1)), baseWidth: z.number().int().min(1) })
      .strict()
      .optional(),
  })
  .strict();

export type IntensitySpec = z.infer<typeof intensitySchema>;
export type UnetCard = z.infer<typeof unetCardSchema>;
export type ResnetCard = z.infer<typeof resnetCardSchema>;
