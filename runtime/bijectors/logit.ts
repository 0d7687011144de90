// logit(α), density direction [0,1] → R: p = α + (1−2α)x, y = log p − log(1−p);
// log-det Σ [log(1−2α) − log p − log(1−p)].
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { type Bijector, type ForwardResult, type InverseResult, logSigmoid, sumExceptBatch } from './types.js';

export class Logit implements Bijector {
  readonly kind = 'logit';
  readonly id: string;
  private readonly alpha: number;
  constructor(layer: LayerIROf<'logit'>) {
    this.id = layer.id;
    this.alpha = layer.args.alpha;
  }
  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const a = this.alpha;
      const p = tf.add(a, tf.mul(1 - 2 * a, x));
      const lp = tf.log(p),
        l1p = tf.log1p(tf.neg(p));
      const y = tf.sub(lp, l1p);
      const logDet = sumExceptBatch(tf.sub(Math.log(1 - 2 * a), tf.add(lp, l1p)));
      return { y, logDet };
    });
  }
  inverse(y: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const a = this.alpha;
      const p = tf.sigmoid(y);
      const x = tf.div(tf.sub(p, a), 1 - 2 * a);
      // d x/dy = σ(y)(1−σ(y))/(1−2α)
      const logDet = sumExceptBatch(tf.sub(tf.add(logSigmoid(y), logSigmoid(tf.neg(y))), Math.log(1 - 2 * a)));
      return { x, logDet };
    });
  }
}
