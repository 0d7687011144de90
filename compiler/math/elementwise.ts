// The elementwise transforms of couplings and autoregressive flows, as far as the compiler and the
// runtime share them: how many conditioner outputs each transformed element takes, and the constants
// the runtime's transforms (runtime/bijectors/transforms/) use. Pure numbers, no tfjs.
//
//  affine            y = x·exp(s) + t                                    2 per element (s, t)
//  additive          y = x + t                                           1 per element (t)
//  logistic_mixture  y = σ⁻¹(Σ_j π_j σ((x − μ_j)·e^{−ℓ_j}))·exp(a) + b  3K + 2 (a, b, then K logits, K means,
//                    K log-scales: Flow++'s released flows/flows.py, MixLogisticAttnCoupling, orders them so)
//  spline            rational-quadratic spline on [−B, B], identity outside (Durkan et al. 2019, nflows'
//                    rational_quadratic.py, linear tails): K widths, K heights, K − 1 inner derivatives = 3K − 1

export const TRANSFORM_KINDS = ['affine', 'additive', 'logistic_mixture', 'spline'] as const;
export type TransformKind = (typeof TRANSFORM_KINDS)[number];

/** the settings a transform kind reads (others are ignored) */
export interface TransformSettings {
  /** logistic_mixture: components K */
  k?: number;
  /** spline: bins K */
  bins?: number;
  /** spline: the interval [−bound, bound] outside which the spline is the identity */
  bound?: number;
}

export const DEFAULT_MIXTURE_K = 4;
export const DEFAULT_SPLINE_BINS = 8;
export const DEFAULT_SPLINE_BOUND = 3;

/** Flow++ clamps the mixture's log-scales from below (MixLogisticCDF, min_logscale = −7) */
export const MIXTURE_MIN_LOG_SCALE = -7;
/** nflows' DEFAULT_MIN_BIN_WIDTH / _HEIGHT / _DERIVATIVE */
export const SPLINE_MIN_BIN = 1e-3;
export const SPLINE_MIN_DERIVATIVE = 1e-3;
/** the spline's largest bin count: K · SPLINE_MIN_BIN must stay below 1 */
export const SPLINE_MAX_BINS = 512;

/** conditioner outputs per transformed element */
export function paramsPerElement(kind: TransformKind, s: TransformSettings = {}): number {
  switch (kind) {
    case 'affine':
      return 2;
    case 'additive':
      return 1;
    case 'logistic_mixture':
      return 3 * (s.k ?? DEFAULT_MIXTURE_K) + 2;
    case 'spline':
      return 3 * (s.bins ?? DEFAULT_SPLINE_BINS) - 1;
    default:
      throw new Error(`unknown elementwise transform '${kind as string}'`);
  }
}

/** the per-element log-det, as `explain` prints it for one transformed element i */
export function transformLogDetTerm(kind: TransformKind, s: TransformSettings = {}): string {
  switch (kind) {
    case 'logistic_mixture':
      return (
        'a_i + log p_mix(x_i) − log F_i − log(1 − F_i), ' +
        `F_i = Σ_{j≤${s.k ?? DEFAULT_MIXTURE_K}} π_j σ((x_i − μ_j)/s_j)`
      );
    case 'spline':
      return (
        `log g′_i(x_i), g = rational-quadratic spline on [−${s.bound ?? DEFAULT_SPLINE_BOUND}, ` +
        `${s.bound ?? DEFAULT_SPLINE_BOUND}] (${s.bins ?? DEFAULT_SPLINE_BINS} bins), identity outside`
      );
    case 'additive':
      return '0';
    default:
      return 's_i';
  }
}
