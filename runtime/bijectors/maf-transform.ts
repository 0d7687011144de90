// MAF and IAF with a non-affine elementwise transform: maf/iaf(…, transform: spline(bins, bound)) (Durkan et
// al. 2019, the autoregressive form of Neural Spline Flows). The MADE emits P = 3·bins − 1 values per dimension
// (rows p·D + d, autoregressive in the order). The transforms are runtime/bijectors/transforms/, shared with the
// couplings; the spline's both directions are closed form.
// MAF (density closed): z_i = T(x_i; p_i(x_{<i})), log-det Σ_i log T′(x_i), one pass; sampling runs D passes
//   (after pass k the first k dimensions in the order are exact), each inverting T.
// IAF (sampling closed): x_i = T(z_i; p_i(z_{<i})), one pass; density runs D passes z_i = T⁻¹(x_i; p_i(z_{<i})).
// A VAE posterior's encoder context h (args.context entries) is an extra, unmasked MADE input.
// Image data are flattened channels-first, as the order indexes them. One plain forward and inverse.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { buildMade } from '../nets/made.js';
import { missingContext } from './context.js';
import type { Mlp } from '../nets/mlp.js';
import { makeTransform, type ElementwiseTransform } from './transforms/index.js';
import { type Bijector, type BuildContext, type ForwardResult, type InverseResult, sizeOf } from './types.js';

abstract class TransformAr implements Bijector {
  abstract readonly kind: 'maf' | 'iaf';
  readonly id: string;
  readonly transform: ElementwiseTransform;
  protected readonly D: number;
  private readonly made: Mlp;
  private readonly image: boolean;
  /** entries of a VAE posterior's encoder context h the MADE also reads (0: none) */
  private readonly context: number;

  constructor(layer: LayerIROf<'maf' | 'iaf'>, ctx: BuildContext) {
    this.id = layer.id;
    this.D = sizeOf(layer.inShape);
    this.image = layer.inShape.length === 3;
    const t = layer.args.transform!;
    this.transform = makeTransform(t.kind, t);
    const order = layer.args.order ?? Array.from({ length: this.D }, (_, i) => i);
    if (layer.args.net.kind !== 'made') throw new Error(`${this.id}: ${layer.kind} needs a made conditioner`);
    this.context = layer.args.context ?? 0;
    this.made = buildMade(ctx.store, `${this.id}.net`, layer.args.net, order, this.transform.P, this.context);
  }

  protected flat(x: tf.Tensor): tf.Tensor2D {
    const t = this.image ? tf.transpose(x, [0, 3, 1, 2]) : x;
    return tf.reshape(t, [x.shape[0], this.D]) as tf.Tensor2D;
  }

  protected unflat(v: tf.Tensor, like: tf.Tensor): tf.Tensor {
    if (!this.image) return tf.reshape(v, like.shape);
    const [N, H, W, C] = like.shape;
    return tf.transpose(tf.reshape(v, [N!, C!, H!, W!]), [0, 2, 3, 1]);
  }

  /** the MADE's outputs as [N, D, P] (h: the context, when the layer takes one) */
  protected params(v: tf.Tensor2D, h?: tf.Tensor): tf.Tensor {
    if (this.context && !h) throw missingContext(this.id);
    const o = this.made.apply(this.context ? tf.concat([v, h!], 1) : v);
    return tf.transpose(tf.reshape(o, [v.shape[0], this.transform.P, this.D]), [0, 2, 1]);
  }

  /** one pass: out = T(in; p(cond)) in direction `dir`, and Σ log|∂out/∂in| per example */
  protected closed(
    dir: 'forward' | 'inverse',
    v: tf.Tensor2D,
    cond: tf.Tensor2D,
    h?: tf.Tensor,
  ): { out: tf.Tensor; ld: tf.Tensor1D } {
    const r = this.transform[dir](v, this.params(cond, h));
    return { out: r.out, ld: tf.sum(r.ld, 1) as tf.Tensor1D };
  }

  /** D passes solving out = T_dir(v; p(out)) autoregressively, then the last pass again for gradients and log-det */
  protected sequential(dir: 'forward' | 'inverse', v: tf.Tensor2D, h?: tf.Tensor): { out: tf.Tensor; ld: tf.Tensor1D } {
    let o = tf.zerosLike(v) as tf.Tensor2D;
    for (let k = 0; k < this.D; k++) {
      const next = tf.tidy(() => this.transform[dir](v, this.params(o, h)).out as tf.Tensor2D);
      o.dispose();
      o = next;
    }
    return this.closed(dir, v, o, h);
  }

  abstract forward(x: tf.Tensor, h?: tf.Tensor): ForwardResult;
  abstract inverse(y: tf.Tensor, _out?: tf.Tensor2D, h?: tf.Tensor): InverseResult;

  dispose(): void {
    this.made.dispose();
  }
}

export class TransformMaf extends TransformAr {
  readonly kind = 'maf';
  forward(x: tf.Tensor, h?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const v = this.flat(x);
      const r = this.closed('forward', v, v, h);
      return { y: this.unflat(r.out, x), logDet: r.ld };
    });
  }
  inverse(y: tf.Tensor, _out?: tf.Tensor2D, h?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const r = this.sequential('inverse', this.flat(y), h);
      return { x: this.unflat(r.out, y), logDet: r.ld };
    });
  }
}

export class TransformIaf extends TransformAr {
  readonly kind = 'iaf';
  forward(x: tf.Tensor, h?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const r = this.sequential('inverse', this.flat(x), h);
      return { y: this.unflat(r.out, x), logDet: r.ld };
    });
  }
  inverse(z: tf.Tensor, _out?: tf.Tensor2D, h?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const v = this.flat(z);
      const r = this.closed('forward', v, v, h);
      return { x: this.unflat(r.out, z), logDet: r.ld };
    });
  }
}
