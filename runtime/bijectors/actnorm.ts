// ActNorm (Glow): y = (x + b)⊙exp(logs) per channel (last internal axis); log-det H·W·Σ logs.
// Data-dependent init on the first batch: b = −mean, logs = −log(std) per channel, so y has zero
// mean and unit variance per channel. The "initialized" flag is a non-trainable variable so that
// checkpoints and saved models carry it. It is a buffer, not a parameter: the compiler's count
// (registry actnorm: log_scale, bias = 2C) excludes it, and so does test/runtime/param-consistency
// (Σ trainable variable sizes = FlowIR.totals.params; the flags are the only non-trainable variables).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  paramInit,
} from './types.js';

export class ActNorm implements Bijector {
  readonly kind = 'actnorm';
  readonly id: string;
  private readonly bias: tf.Variable;
  private readonly logs: tf.Variable;
  private readonly flag: tf.Variable | null = null;
  private inited = false;
  private readonly spatial: number;

  constructor(layer: LayerIROf<'actnorm'>, ctx: BuildContext) {
    this.id = layer.id;
    const shape = internalShape(layer.inShape);
    const C = shape[shape.length - 1];
    this.spatial = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    this.bias = ctx.store.create(`${this.id}.bias`, [C], paramInit(layer, 'bias', 'zeros'));
    this.logs = ctx.store.create(`${this.id}.log_scale`, [C], paramInit(layer, 'log_scale', 'zeros'));
    if (layer.args.dataInit) {
      this.flag = ctx.store.create(`${this.id}.initialized`, [], 'zeros', { trainable: false });
    } else this.inited = true;
  }

  needsInit(): boolean {
    if (this.inited) return false;
    this.inited = this.flag!.dataSync()[0] > 0;
    return !this.inited;
  }

  initFrom(x: tf.Tensor): ForwardResult {
    tf.tidy(() => {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      this.bias.assign(tf.neg(mean));
      this.logs.assign(tf.neg(tf.log(tf.add(tf.sqrt(variance), 1e-6))));
      this.flag!.assign(tf.scalar(1));
    });
    this.inited = true;
    return this.forward(x);
  }

  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => ({
      y: tf.mul(tf.add(x, this.bias), tf.exp(this.logs)),
      logDet: tf.add(tf.zeros([x.shape[0]]), tf.mul(tf.sum(this.logs), this.spatial)) as tf.Tensor1D,
    }));
  }

  inverse(y: tf.Tensor): InverseResult {
    return tf.tidy(() => ({
      x: tf.sub(tf.mul(y, tf.exp(tf.neg(this.logs))), this.bias),
      logDet: tf.sub(tf.zeros([y.shape[0]]), tf.mul(tf.sum(this.logs), this.spatial)) as tf.Tensor1D,
    }));
  }
}
