import { z } from 'zod';
import { INFERENCE_TIERS } from '../pipeline/inference-tier';

const modelRef = z.object({ name: z.string(), version: z.string(), sha256: z.string() }).strict();

/**
 * `work/{id}/inference.json`: what the Infer step hands on. Fusion model cards read its fields by path
 * (`probability`, `maskVolumeMl`, `features.17`).
 */
export const inferenceResultSchema = z
  .object({
    schemaVersion: z.literal(1),
    /** The ResNet50's probability of severe acute pancreatitis. */
    probability: z.number().min(0).max(1),
    /** The ResNet50's pooled deep feature vector. */
    features: z.array(z.number()),
    /** Pancreas mask (largest connected component) on the volume's grid. */
    maskVoxels: z.number().int().min(0),
    maskVolumeMl: z.number().min(0),
    models: z.object({ unet: modelRef, resnet: modelRef }).strict(),
    /** True when a model is a synthetic demo model: the result is not for clinical use. */
    synthetic: z.boolean(),
    /** Which models are synthetic, present when `synthetic`: the Fuse step's notice names them. */
    syntheticModels: z.array(z.enum(['unet', 'resnet'])).optional(),
    notice: z.string().optional(),
    executionProvider: z.enum(['cuda', 'tensorrt', 'cpu']),
    /**
     * Which inference tier ran (core/pipeline/inference-tier.ts): the SageMaker endpoint (`gpu`) or the
     * Lambda function (`cpu`). Absent in results written before tiers existed.
     */
    tier: z.enum(INFERENCE_TIERS).optional(),
    /** Wall time per stage in ms: preprocess, segment, postprocess, classify, total. */
    timingsMs: z.record(z.string(), z.number().min(0)),
  })
  .strict();

export type InferenceResult = z.infer<typeof inferenceResultSchema>;
