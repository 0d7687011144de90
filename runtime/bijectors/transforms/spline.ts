// Rational-quadratic spline transform (Durkan et al. 2019, "Neural Spline Flows", eq. 4–6; nflows'
// transforms/splines/rational_quadratic.py with linear tails read as the reference): K bins on [−B, B]
// with widths and heights min + (1 − K·min)·softmax(·) (min = 1e−3), derivatives at the K − 1 inner knots
// min + (1 − min)·softplus(·)/log 2 and 1 at ±B (so the spline meets the identity tails with slope 1 and
// all-zero conditioner outputs give the identity: nflows' enable_identity_init). Every derivative is
// positive by construction, so the map is strictly increasing. Outside [−B, B]: y = x, log-det 0.
// p[..., 0:K] widths, p[..., K:2K] heights, p[..., 2K:3K−1] inner derivatives (unnormalized).
// Inverse: in the bin found among the heights, θ is the root of a quadratic taken in the stable form
// θ = 2c / (−b − √(b² − 4ac)) (nflows), in closed form.
import * as tf from '@tensorflow/tfjs-core';
import { SPLINE_MIN_BIN, SPLINE_MIN_DERIVATIVE } from '../../../compiler/math/elementwise.js';
import { type ElementwiseResult, type ElementwiseTransform, lastSlots } from './types.js';

interface Knots {
  /** knot positions [..., n, K + 1] (x), heights' knots (y), derivatives at the knots */
  cw: tf.Tensor;
  ch: tf.Tensor;
  d: tf.Tensor;
}

/** gathers along the last axis by a one-hot [..., n, K] → [..., n] */
const pick = (t: tf.Tensor, oh: tf.Tensor): tf.Tensor => tf.sum(tf.mul(t, oh), -1);
const lastSlice = (t: tf.Tensor, begin: number, count: number): tf.Tensor => lastSlots(t, begin, count);

export class SplineTransform implements ElementwiseTransform {
  readonly kind = 'spline';
  readonly P: number;
  constructor(
    readonly K: number,
    readonly B: number,
  ) {
    this.P = 3 * K - 1;
  }

  /** cumulative knots on [−B, B] from unnormalized bin sizes [..., K] → [..., K + 1], ends exactly ±B */
  private knots(u: tf.Tensor): tf.Tensor {
    const K = this.K,
      B = this.B;
    const sizes = tf.add(SPLINE_MIN_BIN, tf.mul(1 - SPLINE_MIN_BIN * K, tf.softmax(u)));
    const inner = tf.sub(tf.mul(2 * B, lastSlice(tf.cumsum(sizes, sizes.rank - 1), 0, K - 1)), B);
    const edge = (v: number) => tf.fill([...u.shape.slice(0, -1), 1], v);
    return tf.concat([edge(-B), inner, edge(B)], -1);
  }

  private params(p: tf.Tensor): Knots {
    const K = this.K;
    const inner = tf.add(
      SPLINE_MIN_DERIVATIVE,
      tf.mul((1 - SPLINE_MIN_DERIVATIVE) / Math.LN2, tf.softplus(lastSlice(p, 2 * K, K - 1))),
    );
    const one = tf.ones([...p.shape.slice(0, -1), 1]);
    const d = tf.concat([one, inner, one], -1);
    return { cw: this.knots(lastSlice(p, 0, K)), ch: this.knots(lastSlice(p, K, K)), d };
  }

  /** one-hot [..., n, K] of the bin of v among the knots k [..., n, K + 1] (inner knots compared only) */
  private bin(v: tf.Tensor, k: tf.Tensor): tf.Tensor {
    const innerKnots = lastSlice(k, 1, this.K - 1);
    const idx = tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(v, -1), innerKnots), 'int32'), -1);
    return tf.oneHot(idx, this.K);
  }

  /** the bin's quantities: left knots, width, height, slope Δ, derivatives at both ends */
  private local(k: Knots, oh: tf.Tensor) {
    const K = this.K;
    const x0 = pick(lastSlice(k.cw, 0, K), oh),
      w = tf.sub(pick(lastSlice(k.cw, 1, K), oh), x0);
    const y0 = pick(lastSlice(k.ch, 0, K), oh),
      h = tf.sub(pick(lastSlice(k.ch, 1, K), oh), y0);
    const d0 = pick(lastSlice(k.d, 0, K), oh),
      d1 = pick(lastSlice(k.d, 1, K), oh);
    return { x0, w, y0, h, delta: tf.div(h, w), d0, d1 };
  }

  /** log ∂y/∂x at θ in a bin (Durkan et al. eq. 5) */
  private logDeriv(theta: tf.Tensor, q: ReturnType<SplineTransform['local']>): tf.Tensor {
    const t1 = tf.mul(theta, tf.sub(1, theta));
    const denom = tf.add(q.delta, tf.mul(tf.sub(tf.add(q.d0, q.d1), tf.mul(2, q.delta)), t1));
    const inner = tf.add(
      tf.add(tf.mul(q.d1, tf.square(theta)), tf.mul(tf.mul(2, q.delta), t1)),
      tf.mul(q.d0, tf.square(tf.sub(1, theta))),
    );
    const num = tf.mul(tf.square(q.delta), inner);
    return tf.sub(tf.log(num), tf.mul(2, tf.log(denom)));
  }

  forward(x: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    const inside = tf.lessEqual(tf.abs(x), this.B);
    const xc = tf.clipByValue(x, -this.B, this.B);
    const k = this.params(p);
    const q = this.local(k, this.bin(xc, k.cw));
    const theta = tf.div(tf.sub(xc, q.x0), q.w);
    const t1 = tf.mul(theta, tf.sub(1, theta));
    const num = tf.mul(q.h, tf.add(tf.mul(q.delta, tf.square(theta)), tf.mul(q.d0, t1)));
    const denom = tf.add(q.delta, tf.mul(tf.sub(tf.add(q.d0, q.d1), tf.mul(2, q.delta)), t1));
    const y = tf.add(q.y0, tf.div(num, denom));
    return { out: tf.where(inside, y, x), ld: tf.where(inside, this.logDeriv(theta, q), tf.zerosLike(x)) };
  }

  inverse(y: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    const inside = tf.lessEqual(tf.abs(y), this.B);
    const yc = tf.clipByValue(y, -this.B, this.B);
    const k = this.params(p);
    const q = this.local(k, this.bin(yc, k.ch));
    const dy = tf.sub(yc, q.y0);
    const s = tf.sub(tf.add(q.d0, q.d1), tf.mul(2, q.delta));
    const a = tf.add(tf.mul(dy, s), tf.mul(q.h, tf.sub(q.delta, q.d0)));
    const b = tf.sub(tf.mul(q.h, q.d0), tf.mul(dy, s));
    const c = tf.mul(tf.neg(q.delta), dy);
    const disc = tf.relu(tf.sub(tf.square(b), tf.mul(4, tf.mul(a, c))));
    const theta = tf.div(tf.mul(2, c), tf.sub(tf.neg(b), tf.sqrt(disc)));
    const x = tf.add(tf.mul(theta, q.w), q.x0);
    return { out: tf.where(inside, x, y), ld: tf.where(inside, tf.neg(this.logDeriv(theta, q)), tf.zerosLike(y)) };
  }
}
