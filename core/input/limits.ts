/**
 * What an upload may be. Checked from headers before anything large is allocated. Each limit is a named
 * number with the reason for it; hospitals see them in docs/upload.md.
 */
export const LIMITS = {
  /** In-plane size of one slice: CT is 512×512, some scanners reconstruct 1024×1024. */
  maxInPlane: 1024,
  /** Slices of one series: a thin-slice chest–abdomen–pelvis CT has about 1,500. */
  maxSlices: 2000,
  /** 512×512×2000 int16 = 1 GiB: what the Validate function can hold with room to convert. */
  maxVoxels: 512 * 512 * 2000,
  /** The U-Net patch is 64 slices at 1.5 mm; fewer than this cannot cover a pancreas (about 15 cm long) anyway. */
  minSlices: 16,
  /** Voxel size in mm: below 0.2 is not a clinical CT, above 10 mm slices are useless for segmentation. */
  minSpacingMm: 0.2,
  maxInPlaneSpacingMm: 2,
  maxSliceSpacingMm: 10,
  /** A gap between slices above this multiple of the median spacing means slices are missing. */
  maxGapFactor: 1.5,
  /** Air is -1000 HU; dense metal reaches about +30,000 in extended-scale CT. Outside this is not HU. */
  minHu: -1100,
  maxHu: 31000,
  /** One uploaded file (a NIfTI volume or a zip) and all files of a study together. */
  maxFileBytes: 2 * 1024 ** 3,
  maxStudyBytes: 4 * 1024 ** 3,
  /** Files of one DICOM series (also the limit of entries in a zip). */
  maxFiles: 4000,
  /** Declared uncompressed size of a zip's entries together, checked before inflating. */
  maxZipUncompressedBytes: 3 * 1024 ** 3,
  /** clinical.json and manifest.json are small; anything bigger is not one. */
  maxJsonBytes: 1024 ** 2,
} as const;
