// The mixture-of-logistics CDF transform of Flow++ (Ho et al. 2019, eq. 4–5):
//   y = σ⁻¹(F(x))·exp(a) + b,  F(x) = Σ_j π_j σ((x − μ_j)·e^{−ℓ_j}),
//   log ∂y/∂x = a + log p_mix(x) − log F − log(1 − F),
// everything in log space: log F = LSE_j(log π_j + log σ(z_j)), log(1 − F) = LSE_j(log π_j + log σ(−z_j)),
// log p_mix = LSE_j(log π_j + log σ(z_j) + log σ(−z_j) − ℓ_j), so σ⁻¹(F) = log F − log(1 − F) stays finite
// far in the tails (20 σ and beyond) where F rounds to 0 or 1.
// Parameters per element (Flow++'s released flows/flows.py, MixLogisticAttnCoupling): a (through the coupling's
// scale, tanh in Flow++), b, K logits, K means, K log-scales clamped below at −7 (MixLogisticCDF.min_logscale).
// Inverse: bisection in float64 on the host (vectorised over all elements) inside the exact bracket
// [min_j(μ_j + e^{ℓ_j}w), max_j(μ_j + e^{ℓ_j}w)] (F's logit lies between its components' logits), sped up by
// Newton steps that stay inside the bracket, until the bracket is below 1e-12·(1 + |x|) or the residual is at
// float64 rounding (at most 200 iterations; Flow++ bisects: tol 1e-12, 200 iterations), then one Newton
// step in the graph whose value is cancelled exactly, so x is the float64 root rounded to float32 and its
// gradient is the implicit-function gradient (the dequantization flow trains through this direction).
import * as tf from '@tensorflow/tfjs-core';
import { MIXTURE_MIN_LOG_SCALE } from '../../../compiler/math/elementwise.js';
import type { ScaleKind } from '../../../compiler/math/coupling-scale.js';
import { logSigmoid } from '../types.js';
import { scaleOf, take } from './affine.js';
import { type ElementwiseResult, type ElementwiseTransform, lastSlots } from './types.js';

export const BISECTION_TOL = 1e-12;
export const BISECTION_MAX_ITERS = 200;
/** wall seconds spent reading the parameters back and bisecting on the host (bench/flowpp/step-cost.ts) */
export const bisectionStats = { seconds: 0 };

interface Parts {
  a: tf.Tensor;
  b: tf.Tensor;
  logPi: tf.Tensor;
  mu: tf.Tensor;
  ls: tf.Tensor;
}

const logSig = (z: number): number => (z < 0 ? z - Math.log1p(Math.exp(z)) : -Math.log1p(Math.exp(-z)));

/** a running log-sum-exp */
class Lse {
  m = -Infinity;
  s = 0;
  add(v: number): void {
    if (v <= this.m) this.s += Math.exp(v - this.m);
    else {
      this.s = this.s * Math.exp(this.m - v) + 1;
      this.m = v;
    }
  }
  get value(): number {
    return this.m + Math.log(this.s);
  }
}

/** σ⁻¹(F(x)) and its derivative g′(x) = p_mix(x)/(F(1 − F)), in float64, for element e (parameters at e·K …) */
function logitF(
  x: number,
  e: number,
  K: number,
  logPi: Float32Array,
  mu: Float32Array,
  ls: Float32Array,
): [number, number] {
  const f = new Lse(),
    g = new Lse(),
    p = new Lse();
  for (let j = 0; j < K; j++) {
    const i = e * K + j;
    const z = (x - mu[i]!) * Math.exp(-ls[i]!);
    const a = logSig(z),
      b = logSig(-z);
    f.add(logPi[i]! + a);
    g.add(logPi[i]! + b);
    p.add(logPi[i]! + a + b - ls[i]!);
  }
  const lf = f.value,
    lg = g.value;
  return [lf - lg, Math.exp(p.value - lf - lg)];
}

/**
 * the roots x of σ⁻¹(F(x)) = w, one per element, in float64: Newton steps kept inside a bisection bracket
 * (a step leaving the bracket is replaced by bisection), so convergence is quadratic near
 * the root and never slower than bisection
 */
export function bisectMixture(
  w: Float32Array,
  K: number,
  logPi: Float32Array,
  mu: Float32Array,
  ls: Float32Array,
): Float32Array {
  const out = new Float32Array(w.length);
  for (let e = 0; e < w.length; e++) {
    const we = w[e]!;
    if (!Number.isFinite(we)) {
      out[e] = NaN;
      continue;
    }
    let lo = Infinity,
      hi = -Infinity;
    for (let j = 0; j < K; j++) {
      const r = mu[e * K + j]! + Math.exp(ls[e * K + j]!) * we;
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
    let x = 0.5 * (lo + hi);
    for (let it = 0; it < BISECTION_MAX_ITERS; it++) {
      const [gx, dg] = logitF(x, e, K, logPi, mu, ls);
      if (gx > we) hi = x;
      else if (gx < we) lo = x;
      else break;
      let next = x - (gx - we) / dg;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      const step = Math.abs(next - x);
      x = next;
      const tol = BISECTION_TOL * (1 + Math.abs(x));
      if (step <= tol || hi - lo <= tol) break;
    }
    out[e] = x;
  }
  return out;
}

export class MixtureTransform implements ElementwiseTransform {
  readonly kind = 'logistic_mixture';
  readonly P: number;
  constructor(
    readonly K: number,
    private readonly scale: ScaleKind,
  ) {
    this.P = 3 * K + 2;
  }

  private parts(p: tf.Tensor): Parts {
    const K = this.K;
    const part = (j: number) => lastSlots(p, j, K);
    return {
      a: scaleOf(take(p, 0), this.scale),
      b: take(p, 1),
      logPi: tf.logSoftmax(part(2)),
      mu: part(2 + K),
      ls: tf.maximum(part(2 + 2 * K), MIXTURE_MIN_LOG_SCALE),
    };
  }

  /** g = σ⁻¹(F(x)) and log g′(x) */
  private logitCdf(x: tf.Tensor, q: Parts): { g: tf.Tensor; logDeriv: tf.Tensor } {
    const ax = x.rank;
    const z = tf.mul(tf.sub(tf.expandDims(x, ax), q.mu), tf.exp(tf.neg(q.ls)));
    const lz = logSigmoid(z);
    const lnz = logSigmoid(tf.neg(z));
    const logF = tf.logSumExp(tf.add(q.logPi, lz), ax);
    const log1mF = tf.logSumExp(tf.add(q.logPi, lnz), ax);
    const logPdf = tf.logSumExp(tf.sub(tf.add(q.logPi, tf.add(lz, lnz)), q.ls), ax);
    return { g: tf.sub(logF, log1mF), logDeriv: tf.sub(logPdf, tf.add(logF, log1mF)) };
  }

  forward(x: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    const q = this.parts(p);
    const { g, logDeriv } = this.logitCdf(x, q);
    return { out: tf.add(tf.mul(g, tf.exp(q.a)), q.b), ld: tf.add(logDeriv, q.a) };
  }

  inverse(y: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    const q = this.parts(p);
    const w = tf.mul(tf.sub(y, q.b), tf.exp(tf.neg(q.a)));
    const t0 = performance.now();
    const root = bisectMixture(
      w.dataSync() as Float32Array,
      this.K,
      q.logPi.dataSync() as Float32Array,
      q.mu.dataSync() as Float32Array,
      q.ls.dataSync() as Float32Array,
    );
    bisectionStats.seconds += (performance.now() - t0) / 1000;
    const x0 = tf.tensor(root, w.shape);
    // one Newton step x0 + (w − g(x0))/g′(x0) for the gradient; its value is subtracted again, so x = x0 exactly
    const at0 = this.logitCdf(x0, q);
    const raw = tf.mul(tf.sub(w, at0.g), tf.exp(tf.neg(at0.logDeriv)));
    const step = tf.where(tf.isFinite(raw), raw, tf.zerosLike(raw)); // a float32 density of 0: no step
    const x = tf.add(x0, tf.sub(step, tf.tensor(step.dataSync(), step.shape)));
    const { logDeriv } = this.logitCdf(x, q);
    return { out: x, ld: tf.neg(tf.add(logDeriv, q.a)) };
  }
}
