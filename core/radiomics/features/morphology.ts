import type { Features, RoiImage } from '../types';
import { autocorrelation, DEFAULT_AUTOCORRELATION_MAX_VOXELS } from './morph-autocorrelation';
import { convexHullMeasures } from './morph-convex';
import type { MeshVertexLines } from './mesh-vertices';
import { meshVolumeArea, padMask, type PaddedMask } from './morph-mesh';
import { ellipsoidArea, symmetricEigenvalues3 } from './morph-pca';

export interface MorphologyOptions {
  /**
   * Moran's I and Geary's C are exact up to this many intensity-mask voxels and estimated from a
   * reproducible random sample of this many voxels above it (see `autocorrelation`).
   */
  autocorrelationMaxVoxels?: number;
  /** Skip Moran's I and Geary's C altogether (PyRadiomics' shape class has neither). */
  skipAutocorrelation?: boolean;
  /** The padded morphological mask and its mesh vertex lines, when the caller needs them too. */
  mesh?: { padded: PaddedMask; lines: MeshVertexLines };
}

/** The IBSI-1 morphology tags this module computes (OMBB and MVEE densities are not computed). */
export const MORPHOLOGY_TAGS = [
  'morph_volume',
  'morph_vol_approx',
  'morph_area_mesh',
  'morph_av',
  'morph_comp_1',
  'morph_comp_2',
  'morph_sph_dispr',
  'morph_sphericity',
  'morph_asphericity',
  'morph_com',
  'morph_diam',
  'morph_pca_maj_axis',
  'morph_pca_min_axis',
  'morph_pca_least_axis',
  'morph_pca_elongation',
  'morph_pca_flatness',
  'morph_vol_dens_aabb',
  'morph_area_dens_aabb',
  'morph_vol_dens_aee',
  'morph_area_dens_aee',
  'morph_vol_dens_conv_hull',
  'morph_area_dens_conv_hull',
  'morph_integ_int',
  'morph_moran_i',
  'morph_geary_c',
] as const;

/**
 * IBSI-1 morphological features (section 3.1) in mm. The mesh, voxel-counting volume, centre of mass,
 * PCA and hull use the morphological mask; centre-of-mass weighting, integrated intensity and the
 * autocorrelation indices use the intensity mask and intensities. An empty morphological mask gives NaN.
 */
export function morphologyFeatures(roi: RoiImage, options: MorphologyOptions = {}): Features {
  const { dims, spacing, morphologicalMask } = roi;
  const [sx, sy, sz] = spacing;

  const { nMorph, mx, my, mz, cxx, cyy, czz, cxy, cxz, cyz, nInt, wSum, wx, wy, wz } = voxelMoments(roi);
  const out: Features = {};
  if (nMorph === 0) {
    for (const tag of MORPHOLOGY_TAGS) out[tag] = NaN;
    return out;
  }

  const padded = options.mesh?.padded ?? padMask(morphologicalMask, dims);
  const { volume: V, area: A } = meshVolumeArea(padded, spacing);
  out.morph_volume = V;
  out.morph_vol_approx = nMorph * sx * sy * sz;
  out.morph_area_mesh = A;
  out.morph_av = A / V;
  out.morph_comp_1 = V / (Math.sqrt(Math.PI) * A ** 1.5);
  out.morph_comp_2 = (36 * Math.PI * V * V) / A ** 3;
  const sphereArea = Math.cbrt(36 * Math.PI * V * V);
  out.morph_sph_dispr = A / sphereArea;
  out.morph_sphericity = sphereArea / A;
  out.morph_asphericity = A / sphereArea - 1;

  out.morph_com = nInt > 0 && wSum !== 0 ? Math.hypot(mx - wx / wSum, my - wy / wSum, mz - wz / wSum) : NaN;

  const hull = convexHullMeasures(padded, spacing, options.mesh?.lines);
  out.morph_diam = hull.diameter;

  // PCA of the voxel centres: eigenvalues of the sample covariance matrix (divisor N − 1, as the IBSI
  // reference values require: the population covariance misses the minor and least axis lengths).
  const dof = Math.max(1, nMorph - 1);
  const [lMajor, lMinor, lLeast] = symmetricEigenvalues3(
    cxx / dof,
    cyy / dof,
    czz / dof,
    cxy / dof,
    cxz / dof,
    cyz / dof,
  ).map((l) => Math.max(0, l)) as [number, number, number];
  out.morph_pca_maj_axis = 4 * Math.sqrt(lMajor);
  out.morph_pca_min_axis = 4 * Math.sqrt(lMinor);
  out.morph_pca_least_axis = 4 * Math.sqrt(lLeast);
  out.morph_pca_elongation = lMajor > 0 ? Math.sqrt(lMinor / lMajor) : NaN;
  out.morph_pca_flatness = lMajor > 0 ? Math.sqrt(lLeast / lMajor) : NaN;

  const [ax, ay, az] = hull.aabb;
  out.morph_vol_dens_aabb = V / (ax * ay * az);
  out.morph_area_dens_aabb = A / (2 * (ax * ay + ax * az + ay * az));
  const [a, b, c] = [2 * Math.sqrt(lMajor), 2 * Math.sqrt(lMinor), 2 * Math.sqrt(lLeast)];
  out.morph_vol_dens_aee = (3 * V) / (4 * Math.PI * a * b * c);
  out.morph_area_dens_aee = A / ellipsoidArea(a, b, c);
  out.morph_vol_dens_conv_hull = V / hull.volume;
  out.morph_area_dens_conv_hull = A / hull.area;

  out.morph_integ_int = nInt > 0 ? (V * wSum) / nInt : NaN;
  if (!options.skipAutocorrelation) {
    const auto = autocorrelation(roi, options.autocorrelationMaxVoxels ?? DEFAULT_AUTOCORRELATION_MAX_VOXELS);
    out.morph_moran_i = auto.moranI;
    out.morph_geary_c = auto.gearyC;
  }
  return out;
}

/**
 * Morphological mask: voxel count, mean centre (mm) and co-moments of the centres. Intensity mask: voxel
 * count, intensity sum and intensity-weighted centre sums.
 */
interface VoxelMoments {
  nMorph: number;
  mx: number;
  my: number;
  mz: number;
  cxx: number;
  cyy: number;
  czz: number;
  cxy: number;
  cxz: number;
  cyz: number;
  nInt: number;
  wSum: number;
  wx: number;
  wy: number;
  wz: number;
}

/**
 * One pass over the box. A leaf of typed arrays and numbers: its optimised code is not thrown away when the
 * feature assembly around it deoptimises, which made run-to-run times swing.
 */
function voxelMoments(roi: RoiImage): VoxelMoments {
  const { dims, spacing, intensity, morphologicalMask, intensityMask } = roi;
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  let nMorph = 0;
  let mx = 0;
  let my = 0;
  let mz = 0;
  let cxx = 0;
  let cyy = 0;
  let czz = 0;
  let cxy = 0;
  let cxz = 0;
  let cyz = 0;
  let nInt = 0;
  let wSum = 0;
  let wx = 0;
  let wy = 0;
  let wz = 0;
  for (let k = 0, p = 0; k < nz; k++) {
    const z = k * sz;
    for (let j = 0; j < ny; j++) {
      const y = j * sy;
      for (let i = 0; i < nx; i++, p++) {
        const x = i * sx;
        if (morphologicalMask[p]) {
          // Welford-style update of the mean and co-moments keeps the covariance accurate.
          nMorph++;
          const dx = x - mx;
          const dy = y - my;
          const dz = z - mz;
          mx += dx / nMorph;
          my += dy / nMorph;
          mz += dz / nMorph;
          cxx += dx * (x - mx);
          cyy += dy * (y - my);
          czz += dz * (z - mz);
          cxy += dx * (y - my);
          cxz += dx * (z - mz);
          cyz += dy * (z - mz);
        }
        if (intensityMask[p]) {
          const g = intensity[p]!;
          nInt++;
          wSum += g;
          wx += g * x;
          wy += g * y;
          wz += g * z;
        }
      }
    }
  }
  return { nMorph, mx, my, mz, cxx, cyy, czz, cxy, cxz, cyz, nInt, wSum, wx, wy, wz };
}
