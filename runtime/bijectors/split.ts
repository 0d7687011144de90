// Split (multi-scale): keeps channels [0, C/2) (vectors: the first outShape[0] entries) and factors
// the rest out to the prior. prior 'fixed': the factored part is scored by the model prior as is.
// prior 'conditional': p(z2|z1) = N(μ(z1), exp(ℓ(z1))²) via a zero-initialised net, written as the
// bijection ε = (z2 − μ)·exp(−ℓ) (log-det −Σℓ) whose ε the model prior scores (exact when the prior
// is a standard normal, as in Glow).
// The plain math; the fused channel split is a planner kernel (runtime/kernels/fused/split-kernel.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import type { Net } from '../nets/index.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  sizeOf,
  sumExceptBatch,
  tidyForward,
  zerosBatch,
} from './types.js';

export class Split implements Bijector {
  readonly kind = 'split';
  readonly id: string;
  readonly outSize: number;
  /** channels (vector entries) kept, and factored out */
  readonly keep: number;
  readonly drop: number;
  private readonly outShape: number[];
  private readonly net: Net | null = null;

  constructor(layer: LayerIROf<'split'>, ctx: BuildContext) {
    this.id = layer.id;
    const inS = internalShape(layer.inShape);
    const keepS = internalShape(layer.outShape);
    const last = inS.length - 1;
    this.keep = keepS[last];
    this.drop = inS[last] - this.keep;
    this.outShape = [...inS.slice(0, last), this.drop];
    this.outSize = sizeOf(this.outShape);
    if (layer.args.prior === 'conditional') {
      // one zero-initialised layer (Glow): a 3×3 conv on images, a dense layer on vectors
      const cin = this.keep,
        cout = 2 * this.drop;
      if (inS.length === 3) {
        const w = ctx.store.create(`${this.id}.prior.W`, [3, 3, cin, cout], 'zeros');
        const b = ctx.store.create(`${this.id}.prior.b`, [cout], 'zeros');
        this.net = { apply: (x) => tf.tidy(() => tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b)) };
      } else {
        const w = ctx.store.create(`${this.id}.prior.W`, [cin, cout], 'zeros');
        const b = ctx.store.create(`${this.id}.prior.b`, [cout], 'zeros');
        this.net = { apply: (x) => tf.tidy(() => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b)) };
      }
    }
  }

  forward(x: tf.Tensor): ForwardResult {
    return tidyForward(() => {
      const [y, z2] = tf.split(x, [this.keep, this.drop], x.rank - 1);
      return this.scored(x, y, z2);
    });
  }

  /** the forward after the split: kept part y, factored part z2 (or z2 already flattened, [N, outSize]) */
  scored(x: tf.Tensor, y: tf.Tensor, z2: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const N = x.shape[0];
      if (!this.net) {
        const out = (z2.rank === 2 ? z2 : tf.reshape(z2, [N, this.outSize])) as tf.Tensor2D;
        return { y, logDet: zerosBatch(x), out };
      }
      const [mu, ls] = tf.split(this.net.apply(y), 2, x.rank - 1);
      const eps = tf.mul(tf.sub(z2, mu), tf.exp(tf.neg(ls)));
      const out = tf.reshape(eps, [N, this.outSize]) as tf.Tensor2D;
      return { y, logDet: tf.neg(sumExceptBatch(ls)) as tf.Tensor1D, out };
    });
  }

  inverse(y: tf.Tensor, out?: tf.Tensor2D): InverseResult {
    if (!out) throw new Error(`${this.id}: split needs its factored-out latent to invert`);
    return tf.tidy(() => {
      const N = y.shape[0];
      const e = tf.reshape(out, [N, ...this.outShape]);
      if (!this.net) return { x: tf.concat([y, e], y.rank - 1), logDet: zerosBatch(y) };
      const [mu, ls] = tf.split(this.net.apply(y), 2, y.rank - 1);
      const z2 = tf.add(tf.mul(e, tf.exp(ls)), mu);
      return { x: tf.concat([y, z2], y.rank - 1), logDet: sumExceptBatch(ls) };
    });
  }
}
