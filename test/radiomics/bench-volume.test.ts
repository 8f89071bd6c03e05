import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { benchVolume } from '../../bench/radiomics-volume';

const sha256 = (data: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');

describe('radiomics benchmark volume (../shared/radiomics/bench_volume.md)', () => {
  it('reproduces the recipe bit for bit', () => {
    const { image, mask } = benchVolume();
    expect(sha256(image.data)).toBe('0d5c1bd7548f63e86242d8e87982d1a933e307339574f8523d3f924fca117301');
    expect(sha256(mask)).toBe('c2301bb7e90bf453859a0d951290846cd796e98e0c97209bd3008162f2994e19');
    expect(mask.reduce((n, m) => n + m, 0)).toBe(200896);
  });
});
