// Affine (RealNVP) and additive (NICE) elementwise transforms: y = x·exp(g(s)) + t, y = x + t.
// p[..., 0] = s (raw; g is the coupling's scale: exp, tanh or log σ(· + 2)), p[..., 1] = t; additive: p[..., 0] = t.
import * as tf from '@tensorflow/tfjs-core';
import { type ScaleKind, SIGMOID_SCALE_SHIFT } from '../../../compiler/math/coupling-scale.js';
import { logSigmoid } from '../types.js';
import { type ElementwiseResult, type ElementwiseTransform, lastSlots } from './types.js';

export function scaleOf(sRaw: tf.Tensor, kind: ScaleKind): tf.Tensor {
  switch (kind) {
    case 'exp':
      return sRaw;
    case 'tanh':
      return tf.tanh(sRaw);
    case 'sigmoid':
      return logSigmoid(tf.add(sRaw, SIGMOID_SCALE_SHIFT));
    default:
      throw new Error(`unknown scale '${kind as string}'`);
  }
}

/** the parameter slot j of p [..., n, P] as [..., n] */
export function take(p: tf.Tensor, j: number): tf.Tensor {
  return tf.reshape(lastSlots(p, j, 1), p.shape.slice(0, -1));
}

export class AffineTransform implements ElementwiseTransform {
  readonly kind = 'affine';
  readonly P = 2;
  constructor(private readonly scale: ScaleKind) {}
  forward(x: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    const s = scaleOf(take(p, 0), this.scale);
    return { out: tf.add(tf.mul(x, tf.exp(s)), take(p, 1)), ld: s };
  }
  inverse(y: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    const s = scaleOf(take(p, 0), this.scale);
    return { out: tf.mul(tf.sub(y, take(p, 1)), tf.exp(tf.neg(s))), ld: tf.neg(s) };
  }
}

export class AdditiveTransform implements ElementwiseTransform {
  readonly kind = 'additive';
  readonly P = 1;
  forward(x: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    return { out: tf.add(x, take(p, 0)), ld: tf.zerosLike(x) };
  }
  inverse(y: tf.Tensor, p: tf.Tensor): ElementwiseResult {
    return { out: tf.sub(y, take(p, 0)), ld: tf.zerosLike(y) };
  }
}
