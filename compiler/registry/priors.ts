// Base densities (category 'prior').
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';
import { numel } from './tensors.js';

const loc = arg('loc', T.num(), 'location', { positional: true, default: 0 });
const scale = arg('scale', T.num(0, undefined, true), 'scale (> 0)', { positional: true, default: 1 });

export const PRIORS: LayerKind[] = [
  {
    name: 'normal',
    category: 'prior',
    doc:
      'Diagonal Gaussian N(mean, std²·I); standard normal by default; `normal(learned)` learns mean and log std ' +
      'per dimension.',
    args: [
      arg('mean', T.num(), 'mean of every dimension', { positional: true, default: 0 }),
      arg('std', T.num(0, undefined, true), 'standard deviation (> 0)', { positional: true, default: 1 }),
      arg('learned', T.bool(), 'learn a mean and log std per dimension (write `normal(learned)`)', {
        default: false,
        flag: true,
      }),
    ],
    params: (input, args) =>
      args.learned === true
        ? [
            { name: 'mean', shape: [numel(input)], init: 'zeros' },
            { name: 'log_std', shape: [numel(input)], init: 'zeros' },
          ]
        : [],
  },
  {
    name: 'logistic',
    category: 'prior',
    cite: 'Dinh et al. 2015 (NICE)',
    doc: 'Independent logistic(loc, scale) per dimension.',
    args: [loc, scale],
  },
  { name: 'laplace', category: 'prior', doc: 'Independent Laplace(loc, scale) per dimension.', args: [loc, scale] },
  {
    name: 'mixture',
    category: 'prior',
    doc: 'Mixture of k diagonal components with learned weights, means and log scales.',
    args: [
      arg('component', T.oneOf('normal', 'logistic'), 'component family', { positional: true, default: 'normal' }),
      arg('k', T.size(1, 'components'), 'number of components', { default: 8 }),
    ],
    params: (input, args) => {
      const k = typeof args.k === 'number' ? args.k : 8;
      const D = numel(input);
      return [
        { name: 'logits', shape: [k], init: 'zeros' },
        { name: 'means', shape: [k, D], init: 'normal(1)' },
        { name: 'log_scales', shape: [k, D], init: 'zeros' },
      ];
    },
  },
];
