import { symmetricEigenvalues } from './symmetric-eigenvalues';

/**
 * Maximal correlation coefficient of a symmetric co-occurrence count matrix (Haralick 1973; PyRadiomics GLCM
 * feature 16, not an IBSI feature): MCC = √(second largest eigenvalue of Q), Q(i, j) = Σ_k p(i,k) p(j,k) /
 * (p_x(i) p_y(k)).
 *
 * For a symmetric matrix p_x = p_y and Q = D⁻¹PD⁻¹P (D = diag(p_x)) is similar to S², S = D^(−½) P D^(−½):
 * the eigenvalues of Q are the squares of those of the symmetric S, which a symmetric solver finds exactly
 * (Q itself is not symmetric). Grey levels without pairs in this matrix give zero rows of Q, hence zero
 * eigenvalues; they are left out of S. `presentLevels` is the number of grey levels in the ROI (PyRadiomics
 * removes the absent ones before it builds Q): with fewer than 2 the region is flat and MCC is 1, as in
 * PyRadiomics. Returns NaN for an empty matrix.
 */
export function glcmMaximalCorrelation(
  counts: Float64Array,
  levelCount: number,
  presentLevels: number,
): number {
  const ng = levelCount;
  const px = new Float64Array(ng);
  let total = 0;
  for (let i = 0; i < ng; i++) {
    let row = 0;
    for (let j = 0; j < ng; j++) row += counts[i * ng + j]!;
    px[i] = row;
    total += row;
  }
  if (!(total > 0)) return NaN;
  if (presentLevels < 2) return 1;
  const support: number[] = [];
  for (let i = 0; i < ng; i++) if (px[i]! > 0) support.push(i);
  const n = support.length;
  if (n < 2) return 0;
  // S(a, b) = P(a, b) / √(P_x(a) P_x(b)); the normalisation by the total cancels.
  const s = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const i = support[a]!;
    for (let b = 0; b <= a; b++) {
      const j = support[b]!;
      s[a * n + b] = counts[i * ng + j]! / Math.sqrt(px[i]! * px[j]!);
    }
  }
  const squares = Array.from(symmetricEigenvalues(s, n), (mu) => mu * mu).sort((x, y) => y - x);
  return Math.sqrt(squares[1]!);
}
