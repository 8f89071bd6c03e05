import { describe, expect, it } from 'vitest';
import { normaliseIntensity } from '../../core/inference/intensity';

describe('window and normalisation', () => {
  it('clips to the HU window, then maps it to [0, 1]', () => {
    const hu = Float32Array.from([-1000, -100, 0, 150, 400, 3000]);
    const out = normaliseIntensity(hu, { huWindow: [-100, 400], normalisation: { type: 'unit' } });
    expect(Array.from(out)).toEqual([0, 0, 0.2, 0.5, 1, 1].map(Math.fround));
  });

  it('standardises with the card’s mean and std after clipping', () => {
    const hu = Float32Array.from([-500, 40, 90, 500]);
    const out = normaliseIntensity(hu, {
      huWindow: [-160, 240],
      normalisation: { type: 'z-score', mean: 40, std: 50 },
    });
    expect(Array.from(out)).toEqual([-4, 0, 1, 4]);
  });
});
