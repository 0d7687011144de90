// The categorical encoding of `dequantize(categorical, dim: d, k: m, context: false)` (Lippe & Gavves 2021,
// "Categorical Normalizing Flows via Continuous Transformations"): each category c ∈ 0..K−1 of every element
// has a learned distribution q(z|c) on ℝᵈ, a product over the d coordinates of mixtures of m logistics
// (m = 1: Lippe's "mixture model" encoding, one logistic per category: an actnorm of a logistic base
// distribution in layers/categorical_encoding/linear_encoding.py of github.com/phlippe/CategoricalNF).
// The decoder p(x|z) is Bayes' rule over those K distributions with learned log-priors (Lippe's
// `_calculate_true_posterior`). `context: true` shifts each element's location and log-scale by a small
// zero-initialised net of the whole x (one-hot), q(zᵢ|x); the decoder keeps the context-free components.
// Parameter tensors (runtime/bijectors/dequantize-categorical.ts creates exactly these):
//   enc.mu, enc.log_scale [K, d·m]; enc.logits [K, d·m] when m > 1; prior_logits [K];
//   ctx.* : CATEGORICAL_CTX_MLP over the D·K one-hot values → 2·D·d (vectors), CATEGORICAL_CTX_RESNET over
//   C·K one-hot channels → 2·C·d (images).
import type { ArgSpec, ParamSpec, ResolvedArgs, Shape } from './types.js';
import { T, arg } from './spec.js';
import { netFlops, netParamSpecs, type NetDesc } from './nets.js';
import { imageDims, numel } from './tensors.js';

export const CATEGORICAL_DEFAULTS = { dim: 4, k: 1 } as const;

export const CATEGORICAL_ARGS: ArgSpec[] = [
  arg(
    'dim',
    T.size(1, 'width'),
    `categorical only: dimensions d of each category's encoding (default ${CATEGORICAL_DEFAULTS.dim})`,
  ),
  arg(
    'k',
    T.size(1, 'components'),
    `categorical only: logistic mixture components per coordinate (default ${CATEGORICAL_DEFAULTS.k})`,
  ),
  arg(
    'context',
    T.bool(),
    'categorical only: the encoding of each element also depends on the whole x (default false)',
  ),
];

export const CATEGORICAL_CTX_MLP: NetDesc = {
  kind: 'mlp',
  hidden: [64],
  activation: 'relu',
  blocks: 0,
  channels: 0,
  kernel: 1,
  zeroInitLast: true,
};
export const CATEGORICAL_CTX_RESNET: NetDesc = {
  kind: 'resnet',
  hidden: [],
  activation: 'relu',
  blocks: 1,
  channels: 32,
  kernel: 3,
  zeroInitLast: true,
};

/** d, m, context and K of a categorical encoding (K: the lowering passes the data's categories as args.K) */
export function categoricalSizes(args: ResolvedArgs): { d: number; m: number; context: boolean; K: number } {
  const int = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : dflt);
  return {
    d: int(args.dim, CATEGORICAL_DEFAULTS.dim),
    m: int(args.k, CATEGORICAL_DEFAULTS.k),
    context: args.context === true,
    K: int(args.K, 2),
  };
}

/** D → D·d for vectors, [C, H, W] → [C·d, H, W] for images */
export function categoricalShape(input: Shape, args: ResolvedArgs): Shape {
  const { d } = categoricalSizes(args);
  if (input.length === 3) return [input[0]! * d, input[1]!, input[2]!];
  return [numel(input) * d];
}

export function categoricalParams(input: Shape, args: ResolvedArgs): ParamSpec[] {
  const { d, m, context, K } = categoricalSizes(args);
  const ps: ParamSpec[] = [
    { name: 'enc.mu', shape: [K, d * m], init: 'normal(1)' },
    { name: 'enc.log_scale', shape: [K, d * m], init: 'const(-2)' },
  ];
  if (m > 1) ps.push({ name: 'enc.logits', shape: [K, d * m], init: 'zeros' });
  ps.push({ name: 'prior_logits', shape: [K], init: 'zeros' });
  if (context) {
    const img = imageDims(input);
    if (img) ps.push(...netParamSpecs(CATEGORICAL_CTX_RESNET, img.C * K, 2 * img.C * d, { H: img.H, W: img.W }, 'ctx'));
    else ps.push(...netParamSpecs(CATEGORICAL_CTX_MLP, numel(input) * K, 2 * numel(input) * d, undefined, 'ctx'));
  }
  return ps;
}

export function categoricalFlops(input: Shape, args: ResolvedArgs): number {
  const { d, m, context, K } = categoricalSizes(args);
  const D = numel(input);
  // q(z|c) for every category (the decoder), a few operations per component
  let f = 8 * D * K * d * m;
  if (context) {
    const img = imageDims(input);
    f += img
      ? netFlops(CATEGORICAL_CTX_RESNET, img.C * K, 2 * img.C * d, { H: img.H, W: img.W })
      : netFlops(CATEGORICAL_CTX_MLP, D * K, 2 * D * d);
  }
  return f;
}
