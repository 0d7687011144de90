// The elementwise transforms a coupling or an autoregressive flow applies to each transformed
// element, given that element's conditioner outputs. One contract for affine, additive, logistic
// mixture and spline, so runtime/bijectors/transform-coupling.ts and spline MAF share the code.
//   x, y: [..., n] (any leading axes); p: [..., n, P] (P = paramsPerElement of compiler/math/elementwise.ts);
//   ld: [..., n], the per-element log|∂y/∂x| (forward) or log|∂x/∂y| (inverse).
import * as tf from '@tensorflow/tfjs-core';
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

/** off: lastSlots slices p at its own rank, as before (bench/flowpp/step-cost.ts measures both in one run) */
export const flatSlices = { on: true };

/**
 * slots [j, j + count) of the last axis of p [..., P] as [..., count], sliced as a 2-D [M, P] tensor: the wasm
 * backend slices rank ≤ 4 in its own code but higher ranks (a coupling's [N, H, W, C, P] on images) element by
 * element in JavaScript, which made these slices most of a mixture coupling's time (bench/flowpp/README.md)
 */
export function lastSlots(p: tf.Tensor, j: number, count: number): tf.Tensor {
  if (!flatSlices.on) {
    const { begin, size } = slot(p, j, count);
    return tf.slice(p, begin, size);
  }
  const P = p.shape[p.rank - 1]!;
  const lead = p.shape.slice(0, -1);
  const flat = p.rank === 2 ? p : tf.reshape(p, [-1, P]);
  return tf.reshape(tf.slice(flat, [0, j], [-1, count]), [...lead, count]);
}
