// MADE connectivity (category 'connectivity'): how hidden degrees m(k) ∈ 1..D−1 are chosen.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const CONNECTIVITIES: LayerKind[] = [
  {
    name: 'sequential',
    category: 'connectivity',
    doc: 'Evenly spaced degrees m(k) = 1 + ⌊k·(D−1)/H⌋ (deterministic; bench W2).',
    args: [],
  },
  {
    name: 'random',
    category: 'connectivity',
    cite: 'Germain et al. 2015 (MADE)',
    doc: 'Degrees m(k) drawn uniformly from [min degree of the previous layer, D−1], fixed by the seed.',
    args: [arg('seed', T.int(0), 'seed of the degree sampling', { positional: true, default: 0 })],
  },
];
