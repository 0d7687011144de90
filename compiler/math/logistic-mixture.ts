// A one-dimensional mixture of logistics, F(z) = Σ_m π_m σ((z − μ_m)/s_m), in float64: its CDF, its
// density and the inverse CDF by bisection. The categorical encoding (runtime/bijectors/
// dequantize-categorical.ts) samples z = F⁻¹(u), u ~ U(0,1), with this inverse and then takes one
// Newton step in the graph, z = z₀ − (F(z₀) − u)/f(z₀), so that its gradient is the implicit one,
// ∂z/∂θ = −(∂F/∂θ)/f (Figurnov et al. 2018).

export interface MixtureRow {
  /** mixture weights π (sum to 1), locations μ, scales s > 0; all of length m */
  w: ArrayLike<number>;
  mu: ArrayLike<number>;
  s: ArrayLike<number>;
}

const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

export function mixtureCdf(r: MixtureRow, z: number): number {
  let f = 0;
  for (let j = 0; j < r.mu.length; j++) f += r.w[j]! * sigmoid((z - r.mu[j]!) / r.s[j]!);
  return f;
}

export function mixturePdf(r: MixtureRow, z: number): number {
  let f = 0;
  for (let j = 0; j < r.mu.length; j++) {
    const g = sigmoid((z - r.mu[j]!) / r.s[j]!);
    f += (r.w[j]! * g * (1 - g)) / r.s[j]!;
  }
  return f;
}

/** z with F(z) = u for u ∈ (0, 1), by bisection to |Δz| ≤ tol (the CDF is increasing, so it always converges) */
export function mixtureInverseCdf(r: MixtureRow, u: number, tol = 1e-9): number {
  // every component's u-quantile lies in [μ − s·L, μ + s·L] with L = |logit(u)|: so does the mixture's
  const L = Math.abs(Math.log(u) - Math.log1p(-u)) + 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < r.mu.length; j++) {
    lo = Math.min(lo, r.mu[j]! - r.s[j]! * L);
    hi = Math.max(hi, r.mu[j]! + r.s[j]! * L);
  }
  for (let it = 0; it < 200 && hi - lo > tol; it++) {
    const mid = 0.5 * (lo + hi);
    if (mixtureCdf(r, mid) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
