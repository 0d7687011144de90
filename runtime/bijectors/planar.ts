// Planar flow (Rezende & Mohamed 2015). Closed direction = sampling (latent → data):
//   f(z) = z + û·h(wᵀz + b),  û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(a) = −1 + softplus(a)  (so wᵀû ≥ −1),
//   log|det ∂f/∂z| = log|1 + h′(wᵀz + b)·wᵀû|.
// Density direction (data → latent), with inverse: 'iterative': a = wᵀz solves
//   a + wᵀû·h(a + b) = wᵀx  (monotone in a; 1-D root finding in float64), then z = x − û·h(a + b).
// The root enters the graph through one Newton step from the detached root, which gives exact
// first derivatives with respect to x and the parameters (implicit function theorem).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIR } from '../../compiler/ir/types.js';
import { type Bijector, type BuildContext, type ForwardResult, type InverseResult, internalShape, paramInit, sizeOf } from './types.js';
import { solveMonotone } from './root.js';

export type PlanarAct = 'tanh' | 'leaky_relu' | 'softplus';
type Act = PlanarAct;

function h(x: tf.Tensor, a: Act): tf.Tensor {
  return a === 'tanh' ? tf.tanh(x) : a === 'softplus' ? tf.softplus(x) : tf.leakyRelu(x, 0.01);
}
function dh(x: tf.Tensor, a: Act): tf.Tensor {
  if (a === 'tanh') return tf.sub(1, tf.square(tf.tanh(x)));
  if (a === 'softplus') return tf.sigmoid(x);
  return tf.add(0.01, tf.mul(0.99, tf.step(x)));       // tf.step has a (zero) gradient; tf.greater has none
}
function hJs(x: number, a: Act): number {
  return a === 'tanh' ? Math.tanh(x) : a === 'softplus' ? (x > 30 ? x : Math.log1p(Math.exp(x))) : x > 0 ? x : 0.01 * x;
}
function dhJs(x: number, a: Act): number {
  if (a === 'tanh') { const t = Math.tanh(x); return 1 - t * t; }
  if (a === 'softplus') return 1 / (1 + Math.exp(-x));
  return x > 0 ? 1 : 0.01;
}

export class Planar implements Bijector {
  readonly kind = 'planar';
  readonly id: string;
  readonly D: number;
  readonly act: Act;
  private readonly iterative: boolean;
  readonly u: tf.Variable;
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(layer: LayerIR, ctx: BuildContext) {
    this.id = layer.id;
    this.D = sizeOf(internalShape(layer.inShape));
    const args = layer.args as { activation?: Act; inverse?: string };
    this.act = args.activation ?? 'tanh';
    this.iterative = args.inverse === 'iterative';
    this.u = ctx.store.create(`${this.id}.u`, [this.D], paramInit(layer, 'u', 'normal(0.1)'));
    this.w = ctx.store.create(`${this.id}.w`, [this.D], paramInit(layer, 'w', 'normal(0.1)'));
    this.b = ctx.store.create(`${this.id}.b`, [1], paramInit(layer, 'b', 'zeros'));
  }

  /** û */
  uHat(): tf.Tensor1D {
    return tf.tidy(() => {
      const wu = tf.sum(tf.mul(this.w, this.u));
      const m = tf.sub(tf.softplus(wu), 1);
      const w2 = tf.sum(tf.square(this.w));
      return tf.add(this.u, tf.mul(tf.div(tf.sub(m, wu), w2), this.w)) as tf.Tensor1D;
    });
  }

  /** sampling direction: z → x */
  inverse(z: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const N = z.shape[0];
      const zf = tf.reshape(z, [N, this.D]) as tf.Tensor2D;
      const uh = this.uHat();
      const pre = tf.add(tf.sum(tf.mul(zf, this.w), 1), this.b);                     // [N]
      const x = tf.add(zf, tf.mul(tf.expandDims(h(pre, this.act), 1), uh));
      const wu = tf.sum(tf.mul(this.w, uh));
      const logDet = tf.log(tf.add(tf.abs(tf.add(1, tf.mul(dh(pre, this.act), wu))), 1e-8)) as tf.Tensor1D;
      return { x: tf.reshape(x, z.shape), logDet };
    });
  }

  /** density direction: x → z by 1-D root finding on a = wᵀz */
  forward(x: tf.Tensor): ForwardResult {
    if (!this.iterative) throw new Error(`${this.id}: planar has no closed-form density direction; use inverse: iterative`);
    return tf.tidy(() => {
      const N = x.shape[0];
      const xf = tf.reshape(x, [N, this.D]) as tf.Tensor2D;
      const uh = this.uHat();
      const wx = tf.sum(tf.mul(xf, this.w), 1);
      const c = tf.sum(tf.mul(this.w, uh));
      const wxv = wx.dataSync(), cv = c.dataSync()[0], bv = this.b.dataSync()[0];
      const roots = new Float32Array(N);
      for (let i = 0; i < N; i++) {
        roots[i] = solveMonotone((a) => a + cv * hJs(a + bv, this.act) - wxv[i], (a) => 1 + cv * dhJs(a + bv, this.act), wxv[i]);
      }
      const a0 = tf.tensor1d(roots);
      const pre0 = tf.add(a0, this.b);
      const g = tf.sub(tf.add(a0, tf.mul(c, h(pre0, this.act))), wx);
      const gp = tf.tensor1d(Float32Array.from(roots, (a) => 1 + cv * dhJs(a + bv, this.act)));
      const a = tf.sub(a0, tf.div(g, gp));                                            // one Newton step, for gradients
      const pre = tf.add(a, this.b);
      const z = tf.sub(xf, tf.mul(tf.expandDims(h(pre, this.act), 1), uh));
      const logDet = tf.neg(tf.log(tf.add(tf.abs(tf.add(1, tf.mul(dh(pre, this.act), c))), 1e-8))) as tf.Tensor1D;
      return { y: tf.reshape(z, x.shape), logDet };
    });
  }
}
