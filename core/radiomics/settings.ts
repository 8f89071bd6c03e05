import { z } from 'zod';
import { DEFAULT_AUTOCORRELATION_MAX_VOXELS } from './features/morph-autocorrelation';

/**
 * Everything that decides the numbers a radiomics extraction gives. A profile is a named settings object;
 * a settings file (JSON) may set any of it. Recorded beside every result, so that a model is only ever fed
 * features computed the way its training features were.
 */
const discretisation = z.discriminatedUnion('method', [
  z.strictObject({
    /** Fixed bin size (IBSI-1 2.7): bins of `width` grey-level units. */
    method: z.literal('FBS'),
    width: z.number().positive(),
    /** IBSI starts the first bin at the re-segmentation range's lower bound; PyRadiomics anchors edges at 0. */
    anchor: z.enum(['ibsi', 'pyradiomics']).default('ibsi'),
  }),
  z.strictObject({
    /** Fixed bin number (IBSI-1 2.7): `bins` bins between the ROI's minimum and maximum. */
    method: z.literal('FBN'),
    bins: z.number().int().min(2).max(10000),
  }),
]);

export const radiomicsSettingsSchema = z
  .strictObject({
    /** Name recorded with the results. */
    profile: z.string().min(1),
    /**
     * Which features under which names: 'ibsi' (default), every IBSI-1 feature under its benchmark tag;
     * 'pyradiomics', PyRadiomics' 107 default features under its names (`original_glcm_Contrast`) with its
     * conventions (3D texture only: `dimensionality` must be ['3D']).
     */
    convention: z.enum(['ibsi', 'pyradiomics']).default('ibsi'),
    resampling: z
      .strictObject({
        /** Target voxel size in mm; two values resample in-plane only (2D, IBSI configuration B). */
        spacingMm: z.union([
          z.tuple([z.number().positive(), z.number().positive()]),
          z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
        ]),
        imageInterpolation: z.enum(['nearest', 'linear', 'cubic']).default('linear'),
        /** Interpolated intensities rounded to integers (IBSI configurations B–E). */
        roundIntensities: z.boolean().default(true),
        /** The mask is interpolated linearly and kept where ≥ this value (IBSI-1 2.4). */
        partialVolumeThreshold: z.number().gt(0).lte(1).default(0.5),
      })
      .optional(),
    resegmentation: z
      .strictObject({
        /** Keep intensities within [min, max] (either may be null: unbounded). */
        range: z.tuple([z.number().nullable(), z.number().nullable()]).optional(),
        /** Drop intensities beyond mean ± 3 SD of the ROI (IBSI-1 2.5). */
        outliers3Sigma: z.boolean().default(false),
      })
      .default({ outliers3Sigma: false }),
    /** Discretisation of the intensity histogram and texture features. */
    discretisation,
    /** Discretisation of the intensity-volume histogram; absent: the (integer) grey levels themselves. */
    ivhDiscretisation: discretisation.optional(),
    /**
     * Moran's I and Geary's C are exact over all voxel pairs up to this many region voxels (O(n²): about 4 s
     * at 45,000) and estimated from a fixed-seed sample of this many voxels above it.
     */
    autocorrelationMaxVoxels: z
      .number()
      .int()
      .min(2)
      .max(1_000_000)
      .default(DEFAULT_AUTOCORRELATION_MAX_VOXELS),
    /** Texture aggregations to compute (IBSI-1 3.1). */
    dimensionality: z
      .array(z.enum(['2D', '2_5D', '3D']))
      .min(1)
      .default(['3D']),
  })
  .refine((s) => s.convention !== 'pyradiomics' || s.dimensionality.join() === '3D', {
    message: "the pyradiomics convention computes 3D texture only: set dimensionality to ['3D']",
    path: ['dimensionality'],
  });

export type RadiomicsSettings = z.output<typeof radiomicsSettingsSchema>;
export type RadiomicsSettingsInput = z.input<typeof radiomicsSettingsSchema>;
