// Split (multi-scale): keeps channels [0, C/2) (vectors: the first outShape[0] entries) and factors
// the rest out to the prior. prior 'fixed': the factored part is scored by the model prior as is.
// prior 'conditional': p(z2|z1) = N(μ(z1), exp(ℓ(z1))²) via a zero-initialised net, written as the
// bijection ε = (z2 − μ)·exp(−ℓ) (log-det −Σℓ) whose ε the model prior scores (exact when the prior
// is a standard normal, as in Glow).
// Fused (wasm/cpu, FLOWC_FUSE≠0): the channel split is one host op (x → kept part, factored part
// already flattened for a fixed prior; its gradient the interleaving copy) instead of SplitV /
// Concat (~2 ms each on wasm at W3's size; test/runtime/fused-coupling-image-split.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { fusionEnabled, hostOp } from '../kernels/fused/host-op.js';
import type { Net } from '../nets/index.js';
import { type Bijector, type BuildContext, type ForwardResult, type InverseResult, internalShape, sizeOf, sumExceptBatch, zerosBatch } from './types.js';

export class Split implements Bijector {
  readonly kind = 'split';
  readonly id: string;
  readonly outSize: number;
  private readonly keep: number;
  private readonly drop: number;
  private readonly outShape: number[];
  private readonly net: Net | null = null;
  private readonly op: (inputs: tf.Tensor[]) => tf.Tensor[];

  constructor(layer: LayerIROf<'split'>, ctx: BuildContext) {
    this.id = layer.id;
    const inS = internalShape(layer.inShape);
    const keepS = internalShape(layer.outShape);
    const last = inS.length - 1;
    this.keep = keepS[last];
    this.drop = inS[last] - this.keep;
    this.outShape = [...inS.slice(0, last), this.drop];
    this.outSize = sizeOf(this.outShape);
    const keep = this.keep, drop = this.drop, C = keep + drop;
    const flat = layer.args.prior !== 'conditional';
    this.op = hostOp({
      shapes: ([xs]) => [[...xs!.slice(0, -1), keep], flat ? [xs![0]!, this.outSize] : [...xs!.slice(0, -1), drop]],
      forward: ([x]) => {
        const R = x!.length / C, y = new Float32Array(R * keep), z = new Float32Array(R * drop);
        for (let r = 0; r < R; r++) {
          const o = r * C;
          for (let k = 0; k < keep; k++) y[r * keep + k] = x![o + k]!;
          for (let k = 0; k < drop; k++) z[r * drop + k] = x![o + keep + k]!;
        }
        return { outputs: [y, z] };
      },
      backward: ([dy, dz], _s, [x]) => {
        const R = x!.length / C, dx = new Float32Array(x!.length);
        for (let r = 0; r < R; r++) {
          const o = r * C;
          if (dy) for (let k = 0; k < keep; k++) dx[o + k] = dy[r * keep + k]!;
          if (dz) for (let k = 0; k < drop; k++) dx[o + keep + k] = dz[r * drop + k]!;
        }
        return [dx];
      },
    });
    if (layer.args.prior === 'conditional') {
      // one zero-initialised layer (Glow): a 3×3 conv on images, a dense layer on vectors
      const cin = this.keep, cout = 2 * this.drop;
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
    return tf.tidy(() => {
      const [y, z2] = fusionEnabled() ? this.op([x]) as [tf.Tensor, tf.Tensor] : tf.split(x, [this.keep, this.drop], x.rank - 1);
      const N = x.shape[0];
      if (!this.net) return { y, logDet: zerosBatch(x), out: (z2.rank === 2 ? z2 : tf.reshape(z2, [N, this.outSize])) as tf.Tensor2D };
      const [mu, ls] = tf.split(this.net.apply(y), 2, x.rank - 1);
      const eps = tf.mul(tf.sub(z2, mu), tf.exp(tf.neg(ls)));
      return { y, logDet: tf.neg(sumExceptBatch(ls)) as tf.Tensor1D, out: tf.reshape(eps, [N, this.outSize]) as tf.Tensor2D };
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
