// MAF and IAF (Papamakarios et al. 2017; Kingma et al. 2016) with a MADE conditioner giving
// (μ, α) per dimension, autoregressive in `order`.
// MAF, density direction closed:  z = (x − μ(x))·exp(−α(x)), log-det −Σα; sampling sequential.
// IAF, sampling direction closed: x = z·exp(α(z)) + μ(z), log-det Σα; density sequential.
// A sequential direction runs D passes of the fixed-point update (after pass k the first k dims
// in the order are exact). Image data are flattened channels-first, as the order indexes them.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { buildMade } from '../nets/made.js';
import type { Mlp } from '../nets/mlp.js';
import { missingContext } from './context.js';
import { type Bijector, type BuildContext, type ForwardResult, type InverseResult, sizeOf } from './types.js';

abstract class ArFlow implements Bijector {
  abstract readonly kind: string;
  readonly id: string;
  protected readonly D: number;
  protected readonly made: Mlp;
  private readonly image: boolean;
  /** entries of the context h the MADE also reads (a VAE posterior's encoder context), 0: none */
  protected readonly context: number;

  constructor(layer: LayerIROf<'maf' | 'iaf'>, ctx: BuildContext) {
    this.id = layer.id;
    this.D = sizeOf(layer.inShape);
    this.image = layer.inShape.length === 3;
    const args = layer.args;
    const order = args.order ?? Array.from({ length: this.D }, (_, i) => i);
    if (args.net.kind !== 'made') throw new Error(`${this.id}: ${layer.kind} needs a made conditioner`);
    this.context = args.context ?? 0;
    this.made = buildMade(ctx.store, `${this.id}.net`, args.net, order, 2, this.context);
  }

  protected flat(x: tf.Tensor): tf.Tensor2D {
    const t = this.image ? tf.transpose(x, [0, 3, 1, 2]) : x;
    return tf.reshape(t, [x.shape[0], this.D]) as tf.Tensor2D;
  }

  protected unflat(v: tf.Tensor, like: tf.Tensor): tf.Tensor {
    if (!this.image) return tf.reshape(v, like.shape);
    const [N, H, W, C] = like.shape;
    return tf.transpose(tf.reshape(v, [N, C, H, W]), [0, 2, 3, 1]);
  }

  /** (μ, α) of v [N, D], with the context h [N, k] as the MADE's extra input when the layer takes one */
  protected muAlpha(v: tf.Tensor2D, h?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.split(this.made.apply(this.context ? tf.concat([v, this.needH(h)], 1) : v), 2, 1) as [
      tf.Tensor,
      tf.Tensor,
    ];
  }

  private needH(h: tf.Tensor | undefined): tf.Tensor {
    if (!h) throw missingContext(this.id);
    if (h.rank !== 2 || h.shape[1] !== this.context) {
      throw new Error(`${this.id}: the context h has shape [${h.shape.slice(1)}], the layer takes [${this.context}]`);
    }
    return h;
  }

  /** shift-scale in the closed direction: out = in·exp(α(cond)) + μ(cond) */
  protected closedUp(v: tf.Tensor2D, h?: tf.Tensor): { out: tf.Tensor; ld: tf.Tensor1D } {
    const [mu, a] = this.muAlpha(v, h);
    return { out: tf.add(tf.mul(v, tf.exp(a)), mu), ld: tf.sum(a, 1) as tf.Tensor1D };
  }

  abstract forward(x: tf.Tensor, h?: tf.Tensor): ForwardResult;
  abstract inverse(y: tf.Tensor, out?: tf.Tensor2D, h?: tf.Tensor): InverseResult;

  dispose(): void {
    this.made.dispose();
  }
}

export class Maf extends ArFlow {
  readonly kind = 'maf';
  forward(x: tf.Tensor, h?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const v = this.flat(x);
      const [mu, a] = this.muAlpha(v, h);
      const z = tf.mul(tf.sub(v, mu), tf.exp(tf.neg(a)));
      return { y: this.unflat(z, x), logDet: tf.neg(tf.sum(a, 1)) as tf.Tensor1D };
    });
  }
  inverse(y: tf.Tensor, _out?: tf.Tensor2D, h?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const z = this.flat(y);
      let x = tf.zerosLike(z) as tf.Tensor2D;
      let a: tf.Tensor = tf.zerosLike(z);
      for (let k = 0; k < this.D; k++) {
        const next = tf.tidy(() => {
          const [mu, al] = this.muAlpha(x, h);
          return [tf.add(tf.mul(z, tf.exp(al)), mu), al] as [tf.Tensor2D, tf.Tensor];
        });
        x.dispose();
        a.dispose();
        [x, a] = next;
      }
      return { x: this.unflat(x, y), logDet: tf.sum(a, 1) as tf.Tensor1D };
    });
  }
}

export class Iaf extends ArFlow {
  readonly kind = 'iaf';
  forward(x: tf.Tensor, h?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const v = this.flat(x);
      let z = tf.zerosLike(v) as tf.Tensor2D;
      let a: tf.Tensor = tf.zerosLike(v);
      for (let k = 0; k < this.D; k++) {
        const next = tf.tidy(() => {
          const [mu, al] = this.muAlpha(z, h);
          return [tf.mul(tf.sub(v, mu), tf.exp(tf.neg(al))), al] as [tf.Tensor2D, tf.Tensor];
        });
        z.dispose();
        a.dispose();
        [z, a] = next;
      }
      // recompute α from the final z so gradients flow through the conditioner
      const [, al] = this.muAlpha(z, h);
      return { y: this.unflat(z, x), logDet: tf.neg(tf.sum(al, 1)) as tf.Tensor1D };
    });
  }
  inverse(z: tf.Tensor, _out?: tf.Tensor2D, h?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const { out, ld } = this.closedUp(this.flat(z), h);
      return { x: this.unflat(out, z), logDet: ld };
    });
  }
}
