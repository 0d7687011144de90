// Likelihoods (category 'likelihood'): the per-dimension distribution an autoregressive model or decoder emits.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';
import { numel } from './tensors.js';

export const LIKELIHOODS: LayerKind[] = [
  {
    name: 'bernoulli',
    category: 'likelihood',
    doc: 'Binary data: one logit per dimension, loss = BCE with logits.',
    args: [],
  },
  {
    name: 'categorical',
    category: 'likelihood',
    doc: 'K-way softmax per dimension (K from the data domain, e.g. 256 for 8-bit pixels).',
    args: [
      arg('K', T.size(2, 'components'), 'number of classes (default: from the data domain)', {
        positional: true,
      }),
    ],
  },
  {
    name: 'logistic_mixture',
    category: 'likelihood',
    cite: 'Salimans et al. 2017 (PixelCNN++)',
    doc: 'Discretized mixture of k logistics per dimension: (π, μ, log s) for each component.',
    args: [
      arg('k', T.size(1, 'components'), 'number of mixture components', { positional: true, default: 10 }),
      arg('K', T.size(2, 'components'), 'number of discrete levels (default: from the data domain)'),
    ],
  },
  {
    name: 'gaussian',
    category: 'likelihood',
    doc: 'Gaussian N(μ, σ²) per dimension; σ fixed to 1 or a learned per-dimension parameter.',
    args: [arg('learned_std', T.bool(), 'learn log σ per dimension', { default: false })],
    params: (input, args) =>
      args.learned_std === true || args.learnedStd === true
        ? [{ name: 'log_std', shape: [numel(input)], init: 'zeros' }]
        : [],
  },
];

/**
 * Values the network emits per data dimension for a likelihood (name or { kind/name, K, k }).
 * `K` is the data domain's level count, used when the likelihood does not say.
 */
export function likelihoodOutputs(lik: unknown, K?: number): number {
  const o = (typeof lik === 'string' ? { kind: lik } : (lik ?? {})) as Record<string, unknown>;
  const kindField = o.kind as unknown;
  const name =
    typeof kindField === 'string'
      ? kindField
      : ((kindField as { name?: string } | undefined)?.name ?? (o.name as string | undefined));
  const a = (typeof kindField === 'object' && o.args ? o.args : o) as Record<string, unknown>;
  switch (name) {
    case 'categorical':
      return typeof a.K === 'number' ? a.K : (K ?? 256);
    case 'logistic_mixture':
      return 3 * (typeof a.k === 'number' ? a.k : 10);
    default:
      return 1;
  }
}
