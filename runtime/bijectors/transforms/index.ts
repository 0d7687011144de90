// The elementwise transform of a coupling or autoregressive layer, from its FlowIR arguments.
import type { ScaleKind } from '../../../compiler/math/coupling-scale.js';
import type { TransformKind, TransformSettings } from '../../../compiler/math/elementwise.js';
import { DEFAULT_MIXTURE_K, DEFAULT_SPLINE_BINS, DEFAULT_SPLINE_BOUND } from '../../../compiler/math/elementwise.js';
import { AdditiveTransform, AffineTransform } from './affine.js';
import { MixtureTransform } from './mixture.js';
import { SplineTransform } from './spline.js';
import type { ElementwiseTransform } from './types.js';

export type { ElementwiseTransform, ElementwiseResult } from './types.js';
export { AffineTransform, AdditiveTransform } from './affine.js';
export { MixtureTransform } from './mixture.js';
export { SplineTransform } from './spline.js';

export function makeTransform(
  kind: TransformKind,
  s: TransformSettings,
  scale: ScaleKind = 'tanh',
): ElementwiseTransform {
  switch (kind) {
    case 'affine':
      return new AffineTransform(scale);
    case 'additive':
      return new AdditiveTransform();
    case 'logistic_mixture':
      return new MixtureTransform(s.k ?? DEFAULT_MIXTURE_K, scale);
    case 'spline':
      return new SplineTransform(s.bins ?? DEFAULT_SPLINE_BINS, s.bound ?? DEFAULT_SPLINE_BOUND);
    default:
      throw new Error(`unknown elementwise transform '${kind as string}'`);
  }
}
