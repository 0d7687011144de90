// The elementwise transforms a coupling or an autoregressive flow applies to each transformed
// element, given that element's conditioner outputs. One contract for affine, additive, logistic
// mixture and spline, so runtime/bijectors/transform-coupling.ts and spline MAF share the code.
//   x, y: [..., n] (any leading axes); p: [..., n, P] (P = paramsPerElement of compiler/math/elementwise.ts);
//   ld: [..., n], the per-element log|∂y/∂x| (forward) or log|∂x/∂y| (inverse).
import type * as tf from '@tensorflow/tfjs-core';
import type { TransformKind } from '../../../compiler/math/elementwise.js';

export interface ElementwiseResult {
  out: tf.Tensor;
  ld: tf.Tensor;
}

export interface ElementwiseTransform {
  readonly kind: TransformKind;
  /** conditioner outputs per element */
  readonly P: number;
  forward(x: tf.Tensor, p: tf.Tensor): ElementwiseResult;
  inverse(y: tf.Tensor, p: tf.Tensor): ElementwiseResult;
}

/** the j-th parameter slot [..., n] or slots [j, j + count) as [..., n, count] of p [..., n, P] */
export function slot(
  p: { shape: number[]; rank: number },
  j: number,
  count?: number,
): { begin: number[]; size: number[] } {
  const begin = p.shape.map((_, i) => (i === p.rank - 1 ? j : 0));
  const size = p.shape.map((d, i) => (i === p.rank - 1 ? (count ?? 1) : d));
  return { begin, size };
}
