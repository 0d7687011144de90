// Radial flow (Rezende & Mohamed 2015). Closed direction = sampling (latent → data):
//   f(z) = z + β·h(r)·(z − z₀), r = ‖z − z₀‖, h = 1/(α + r), α = softplus(α̂), β = −α + softplus(β̂);
//   log|det| = (d−1)·log(1 + βh) + log(1 + βh + βh′r).
// Density direction with inverse: 'iterative': ρ = ‖x − z₀‖ = r(1 + β/(α + r)) is solved for r ≥ 0
// (monotone; 1-D root finding in float64), then z − z₀ = (x − z₀)/(1 + βh(r)). One Newton step
// from the detached root carries exact first derivatives.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
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
import { radialLogDet, radialParams, radialStep, rawRow } from './planar-maps.js';

export class Radial implements Bijector {
  readonly kind = 'radial';
  readonly id: string;
  readonly D: number;
  private readonly iterative: boolean;
  readonly z0: tf.Variable;
  readonly alphaHat: tf.Variable;
  readonly betaHat: tf.Variable;

  constructor(layer: LayerIROf<'radial'>, ctx: BuildContext) {
    this.id = layer.id;
    this.D = sizeOf(internalShape(layer.inShape));
    this.iterative = layer.args.inverse === 'iterative';
    this.z0 = ctx.store.create(`${this.id}.z0`, [this.D], paramInit(layer, 'z0', 'normal(0.1)'));
    this.alphaHat = ctx.store.create(`${this.id}.alpha`, [1], paramInit(layer, 'alpha', 'normal(0.1)'));
    this.betaHat = ctx.store.create(`${this.id}.beta`, [1], paramInit(layer, 'beta', 'normal(0.1)'));
  }

  /** the layer's one row of raw parameters [1, D+2] (planar-maps.ts) */
  private raw(): tf.Tensor2D {
    return rawRow([this.z0, this.alphaHat, this.betaHat]);
  }

  private ab(): { alpha: tf.Tensor; beta: tf.Tensor } {
    const { alpha, beta } = radialParams(this.raw(), this.D);
    return { alpha: tf.reshape(alpha, []), beta: tf.reshape(beta, []) };
  }

  inverse(z: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const N = z.shape[0];
      const zf = tf.reshape(z, [N, this.D]) as tf.Tensor2D;
      const { z: x, logDet } = radialStep(zf, tf.tile(this.raw(), [N, 1]) as tf.Tensor2D);
      return { x: tf.reshape(x, z.shape), logDet };
    });
  }

  forward(x: tf.Tensor): ForwardResult {
    if (!this.iterative)
      throw new Error(`${this.id}: radial has no closed-form density direction; use inverse: iterative`);
    return tf.tidy(() => {
      const N = x.shape[0];
      const { alpha, beta } = this.ab();
      const y = tf.sub(tf.reshape(x, [N, this.D]), this.z0);
      const rho = tf.sqrt(tf.sum(tf.square(y), 1));
      const av = alpha.dataSync()[0],
        bv = beta.dataSync()[0],
        rhov = rho.dataSync();
      const roots = new Float32Array(N),
        slopes = new Float32Array(N);
      for (let i = 0; i < N; i++) {
        const phi = (r: number) => r + (bv * r) / (av + r) - rhov[i];
        const dphi = (r: number) => 1 + (bv * av) / ((av + r) * (av + r));
        roots[i] = solveMonotone(phi, dphi, rhov[i], 0);
        slopes[i] = dphi(roots[i]);
      }
      const r0 = tf.tensor1d(roots);
      const g = tf.sub(tf.add(r0, tf.div(tf.mul(beta, r0), tf.add(alpha, r0))), rho);
      const r = tf.sub(r0, tf.div(g, tf.tensor1d(slopes))); // one Newton step, for gradients
      const scale = tf.add(1, tf.div(beta, tf.add(alpha, r)));
      const z = tf.add(tf.div(y, tf.expandDims(scale, 1)), this.z0);
      return { y: tf.reshape(z, x.shape), logDet: tf.neg(radialLogDet(r, alpha, beta, this.D)) as tf.Tensor1D };
    });
  }
}
