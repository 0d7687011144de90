// Factorization orders (category 'order'): autoregressive models, MAF/IAF, permute. Literal lists are handled by the
// checker.
import type { ArgType, LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const ORDERS: LayerKind[] = [
  { name: 'natural', category: 'order', doc: 'x_0, x_1, …, x_{D−1} (row-major for images).', args: [] },
  { name: 'reverse', category: 'order', doc: 'x_{D−1}, …, x_1, x_0.', args: [] },
  {
    name: 'random',
    category: 'order',
    doc: 'A random permutation of 0..D−1, fixed by the seed.',
    args: [arg('seed', T.int(0), 'seed of the permutation', { positional: true, default: 0 })],
  },
  {
    name: 'raster',
    category: 'order',
    cite: 'van den Oord et al. 2016 (PixelRNN / PixelCNN)',
    doc:
      'Images row by row, left to right; channels R→G→B inside a pixel (sequential) or a whole pixel at once ' +
      '(joint).',
    args: [
      arg(
        'channels',
        T.oneOf('sequential', 'joint'),
        'sequential: R then G then B in a pixel (PixelRNN); joint: whole pixels (PixelCNN++)',
        {
          positional: true,
          default: 'sequential',
        },
      ),
    ],
  },
];

/** the type of an `order:` argument: a named order or a literal permutation `[2, 0, 3, 1]` (proved by the checker) */
export const ORDER_TYPE: ArgType = T.union(T.call('order'), T.list(T.int(0), 1));
