// Planar flow (Rezende & Mohamed 2015). Closed direction = sampling (latent → data):
//   f(z) = z + û·h(wᵀz + b),  û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(a) = −1 + softplus(a)  (so wᵀû ≥ −1),
//   log|det ∂f/∂z| = log|1 + h′(wᵀz + b)·wᵀû|.
// Density direction (data → latent), with inverse: 'iterative': a = wᵀz solves
//   a + wᵀû·h(a + b) = wᵀx  (monotone in a; 1-D root finding in float64), then z = x − û·h(a + b).
// The root enters the graph through one Newton step from the detached root, which gives exact
// first derivatives with respect to x and the parameters (implicit function theorem).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs, LayerIROf } from '../../compiler/ir/types.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  paramInit,
  sizeOf,
} from './types.js';
import { solveMonotone } from './root.js';
import { scalarActivation } from '../../compiler/math/activations.js';
import { activate } from '../nets/activations.js';
import { planarLogDet, planarParams, planarStep, rawRow } from './planar-maps.js';

export type PlanarAct = LayerArgs['planar']['activation'];
type Act = PlanarAct;

const h = (x: tf.Tensor, a: Act): tf.Tensor => activate(x, a);
const hJs = (x: number, a: Act): number => scalarActivation(a).f(x);
const dhJs = (x: number, a: Act): number => scalarActivation(a).df(x);

export class Planar implements Bijector {
  readonly kind = 'planar';
  readonly id: string;
  readonly D: number;
  readonly act: Act;
  private readonly iterative: boolean;
  readonly u: tf.Variable;
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(layer: LayerIROf<'planar'>, ctx: BuildContext) {
    this.id = layer.id;
    this.D = sizeOf(internalShape(layer.inShape));
    const args = layer.args;
    this.act = args.activation;
    this.iterative = args.inverse === 'iterative';
    this.u = ctx.store.create(`${this.id}.u`, [this.D], paramInit(layer, 'u', 'normal(0.1)'));
    this.w = ctx.store.create(`${this.id}.w`, [this.D], paramInit(layer, 'w', 'normal(0.1)'));
    this.b = ctx.store.create(`${this.id}.b`, [1], paramInit(layer, 'b', 'zeros'));
  }

  /** the layer's one row of raw parameters [1, 2D+1] (planar-maps.ts) */
  private raw(): tf.Tensor2D {
    return rawRow([this.u, this.w, this.b]);
  }

  /** û */
  uHat(): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(planarParams(this.raw(), this.D).uHat, [this.D]) as tf.Tensor1D);
  }

  /** sampling direction: z → x */
  inverse(z: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const N = z.shape[0];
      const zf = tf.reshape(z, [N, this.D]) as tf.Tensor2D;
      const { z: x, logDet } = planarStep(zf, tf.tile(this.raw(), [N, 1]) as tf.Tensor2D, this.act);
      return { x: tf.reshape(x, z.shape), logDet };
    });
  }

  /** density direction: x → z by 1-D root finding on a = wᵀz */
  forward(x: tf.Tensor): ForwardResult {
    if (!this.iterative)
      throw new Error(`${this.id}: planar has no closed-form density direction; use inverse: iterative`);
    return tf.tidy(() => {
      const N = x.shape[0];
      const xf = tf.reshape(x, [N, this.D]) as tf.Tensor2D;
      const p = planarParams(this.raw(), this.D);
      const uh = tf.reshape(p.uHat, [this.D]);
      const wx = tf.sum(tf.mul(xf, this.w), 1);
      const c = tf.reshape(p.wu, []);
      const wxv = wx.dataSync(),
        cv = c.dataSync()[0],
        bv = this.b.dataSync()[0];
      const roots = new Float32Array(N);
      for (let i = 0; i < N; i++) {
        roots[i] = solveMonotone(
          (a) => a + cv * hJs(a + bv, this.act) - wxv[i],
          (a) => 1 + cv * dhJs(a + bv, this.act),
          wxv[i],
        );
      }
      const a0 = tf.tensor1d(roots);
      const pre0 = tf.add(a0, this.b);
      const g = tf.sub(tf.add(a0, tf.mul(c, h(pre0, this.act))), wx);
      const gp = tf.tensor1d(Float32Array.from(roots, (a) => 1 + cv * dhJs(a + bv, this.act)));
      const a = tf.sub(a0, tf.div(g, gp)); // one Newton step, for gradients
      const pre = tf.add(a, this.b);
      const z = tf.sub(xf, tf.mul(tf.expandDims(h(pre, this.act), 1), uh));
      const logDet = tf.neg(planarLogDet(pre, c, this.act)) as tf.Tensor1D;
      return { y: tf.reshape(z, x.shape), logDet };
    });
  }
}
