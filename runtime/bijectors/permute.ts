// Permute the channel (or vector) axis: y[..., i] = x[..., perm[i]]. Volume-preserving.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { type Bijector, type ForwardResult, type InverseResult, zerosBatch } from './types.js';

export class Permute implements Bijector {
  readonly kind = 'permute';
  readonly id: string;
  private readonly perm: tf.Tensor1D;
  private readonly invPerm: tf.Tensor1D;

  constructor(layer: LayerIROf<'permute'>) {
    this.id = layer.id;
    const perm = layer.args.perm;
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    this.perm = tf.keep(tf.tensor1d(perm, 'int32'));
    this.invPerm = tf.keep(tf.tensor1d(inv, 'int32'));
  }
  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => ({ y: tf.gather(x, this.perm, x.rank - 1), logDet: zerosBatch(x) }));
  }
  inverse(y: tf.Tensor): InverseResult {
    return tf.tidy(() => ({ x: tf.gather(y, this.invPerm, y.rank - 1), logDet: zerosBatch(y) }));
  }
  dispose(): void {
    this.perm.dispose();
    this.invPerm.dispose();
  }
}
