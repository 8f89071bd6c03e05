/**
 * Eigenvalues of a symmetric 3×3 matrix [[a, d, e], [d, b, f], [e, f, c]], largest first (closed form,
 * Smith 1961), and the surface area of an ellipsoid by the Legendre series IBSI-1 uses for the
 * approximate enclosing ellipsoid.
 */
export function symmetricEigenvalues3(
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
): [number, number, number] {
  const offDiagonal = d * d + e * e + f * f;
  const q = (a + b + c) / 3;
  if (offDiagonal === 0) {
    const sorted = [a, b, c].sort((x, y) => y - x);
    return [sorted[0]!, sorted[1]!, sorted[2]!];
  }
  const p2 = (a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * offDiagonal;
  const p = Math.sqrt(p2 / 6);
  // B = (A − qI) / p; r = det(B) / 2, clamped against rounding.
  const [ba, bb, bc, bd, be, bf] = [(a - q) / p, (b - q) / p, (c - q) / p, d / p, e / p, f / p];
  const det = ba * (bb * bc - bf * bf) - bd * (bd * bc - bf * be) + be * (bd * bf - bb * be);
  const r = Math.min(1, Math.max(-1, det / 2));
  const phi = Math.acos(r) / 3;
  const l1 = q + 2 * p * Math.cos(phi);
  const l3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  return [l1, 3 * q - l1 - l3, l3];
}

/** Legendre polynomial P_ν(x) by the three-term recurrence. */
function legendre(nu: number, x: number): number {
  if (nu === 0) return 1;
  let previous = 1;
  let current = x;
  for (let k = 1; k < nu; k++)
    [previous, current] = [current, ((2 * k + 1) * x * current - k * previous) / (k + 1)];
  return current;
}

/**
 * Surface area of an ellipsoid with semi-axes a ≥ b ≥ c: 4πab Σ_{ν=0}^{20} (αβ)^ν / (1 − 4ν²)
 * P_ν((α² + β²) / (2αβ)), α = √(1 − b²/a²), β = √(1 − c²/a²) (IBSI-1, area density AEE).
 */
export function ellipsoidArea(a: number, b: number, c: number): number {
  const alpha = Math.sqrt(Math.max(0, 1 - (b * b) / (a * a)));
  const beta = Math.sqrt(Math.max(0, 1 - (c * c) / (a * a)));
  const ab = alpha * beta;
  if (ab < 1e-9) {
    // A spheroid with a = b or b = c: α or β is 0 and only the ν = 0 term and the limit remain; the
    // series' (αβ)^ν P_ν(·) tends to ((α² + β²)/2)^ν (2ν)!/(2^ν ν!²), taken term by term.
    let sum = 0;
    const s = (alpha * alpha + beta * beta) / 2;
    let coefficient = 1;
    for (let nu = 0; nu <= 20; nu++) {
      if (nu > 0) coefficient *= (2 * nu - 1) / nu;
      sum += (coefficient * s ** nu) / (1 - 4 * nu * nu);
    }
    return 4 * Math.PI * a * b * sum;
  }
  const x = (alpha * alpha + beta * beta) / (2 * ab);
  let sum = 0;
  for (let nu = 0; nu <= 20; nu++) sum += (ab ** nu / (1 - 4 * nu * nu)) * legendre(nu, x);
  return 4 * Math.PI * a * b * sum;
}
