import type { IntensitySpec } from './model-card';

/**
 * Windows and normalises HU in place, as the model card says: clip to huWindow, then `unit` maps the window
 * to [0, 1] and `z-score` standardises with the card's mean and std (of the clipped training intensities).
 */
export function normaliseIntensity(values: Float32Array, spec: IntensitySpec): Float32Array {
  const [lo, hi] = spec.huWindow;
  const { normalisation } = spec;
  const offset = normalisation.type === 'unit' ? lo : normalisation.mean;
  const divisor = normalisation.type === 'unit' ? hi - lo : normalisation.std;
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!;
    values[n] = ((v < lo ? lo : v > hi ? hi : v) - offset) / divisor;
  }
  return values;
}
