// Squeeze [C,H,W] → [4C,H/2,W/2]: out[(di·2+dj)·C + c, i, j] = in[c, 2i+di, 2j+dj]. Volume-preserving.
// Internal NHWC: [N,H,W,C] → [N·H/2, 2, W/2, 2, C] → swap the middle axes → [N, H/2, W/2, 4C].
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { type Bijector, type ForwardResult, type InverseResult, zerosBatch } from './types.js';

export function squeezeNHWC(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [N, H, W, C] = x.shape;
    const r = tf.reshape(x, [N * (H / 2), 2, W / 2, 2, C]);
    return tf.reshape(tf.transpose(r, [0, 2, 1, 3, 4]), [N, H / 2, W / 2, 4 * C]);
  });
}

export function unsqueezeNHWC(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [N, H2, W2, C4] = y.shape;
    const C = C4 / 4;
    const r = tf.reshape(y, [N * H2, W2, 2, 2, C]);
    return tf.reshape(tf.transpose(r, [0, 2, 1, 3, 4]), [N, 2 * H2, 2 * W2, C]);
  });
}

export class Squeeze implements Bijector {
  readonly kind = 'squeeze';
  readonly id: string;
  constructor(layer: LayerIROf<'squeeze'>) {
    this.id = layer.id;
    if (layer.inShape.length !== 3) throw new Error(`${layer.id}: squeeze needs image data [C, H, W]`);
  }
  forward(x: tf.Tensor): ForwardResult {
    return { y: squeezeNHWC(x), logDet: zerosBatch(x) };
  }
  inverse(y: tf.Tensor): InverseResult {
    return { x: unsqueezeNHWC(y), logDet: zerosBatch(y) };
  }
}
