/**
 * Eigenvalues of a real symmetric n×n matrix: Householder reduction to tridiagonal form, then the implicit
 * QL algorithm with Wilkinson-type shifts (Golub & Van Loan, Matrix Computations, 4th ed., 8.3). O(n³) once,
 * against O(n³) per sweep for Jacobi rotations: the GLCM's maximal correlation coefficient needs one
 * decomposition per direction, of matrices up to a few hundred grey levels.
 */

/**
 * The eigenvalues of the symmetric matrix `a` (n×n, row-major; only the lower triangle is read), in
 * descending order. `a` is left untouched.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length < n * n) throw new RangeError(`symmetricEigenvalues: ${a.length} values for ${n}×${n}`);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalise(Float64Array.from(a.subarray(0, n * n)), n, d, e);
  tridiagonalEigenvalues(d, e);
  return d.sort().reverse();
}

/**
 * Householder reduction of `a` (overwritten) to a tridiagonal matrix with diagonal `d` and sub-diagonal `e`
 * (e[k] joins rows k and k + 1; e[n − 1] = 0).
 */
function tridiagonalise(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    // Reflect column k below the diagonal, x = a[k+1.., k], onto −sign(x₀)·‖x‖·e₁.
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += a[i * n + k]! ** 2;
    d[k] = a[k * n + k]!;
    if (norm2 === 0) {
      e[k] = 0;
      continue;
    }
    const x0 = a[(k + 1) * n + k]!;
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    e[k] = alpha;
    // v = x − alpha·e₁, H = I − 2 v vᵀ / (vᵀv); vᵀv = 2(‖x‖² − alpha·x₀).
    for (let i = k + 1; i < n; i++) v[i] = a[i * n + k]!;
    v[k + 1] = x0 - alpha;
    const beta = 2 / (2 * (norm2 - alpha * x0));
    // Trailing block A ← H A H = A − v qᵀ − q vᵀ, with p = βAv and q = p − (β pᵀv / 2) v.
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j <= i; j++) s += a[i * n + j]! * v[j]!;
      for (let j = i + 1; j < n; j++) s += a[j * n + i]! * v[j]!;
      w[i] = beta * s;
      pv += w[i]! * v[i]!;
    }
    const half = (beta * pv) / 2;
    for (let i = k + 1; i < n; i++) w[i] = w[i]! - half * v[i]!;
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j <= i; j++) a[i * n + j] = a[i * n + j]! - v[i]! * w[j]! - w[i]! * v[j]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2]!;
    e[n - 2] = a[(n - 1) * n + n - 2]!;
  }
  if (n >= 1) {
    d[n - 1] = a[(n - 1) * n + n - 1]!;
    e[n - 1] = 0;
  }
}

/** Maximum QL sweeps per eigenvalue; convergence is cubic, a handful suffice. */
const MAX_QL_ITERATIONS = 60;

/** Implicit QL on the tridiagonal (d, e): d becomes the eigenvalues (unsorted), e is destroyed. */
function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      // The first negligible sub-diagonal element at or after l splits off a block [l, m].
      let m = l;
      while (m < n - 1 && Math.abs(e[m]!) > Number.EPSILON * (Math.abs(d[m]!) + Math.abs(d[m + 1]!))) m++;
      if (m === l) break;
      if (iteration === MAX_QL_ITERATIONS) throw new Error('symmetricEigenvalues: QL did not converge');
      // Shift from the leading 2×2 block, then chase the bulge from m up to l with Givens rotations.
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // An exact zero splits the block: undo the pending shift and start over.
          d[i + 1] = d[i + 1]! - p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] = d[l]! - p;
      e[l] = g;
      e[m] = 0;
    }
  }
}
