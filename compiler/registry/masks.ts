// Coupling masks (category 'mask'): 1 = passes through and conditions the rest, 0 = transformed.
// Literal lists (`[1, 0, 0, 1]`) and `!` complements are handled by the checker.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const MASKS: LayerKind[] = [
  {
    name: 'checkerboard',
    category: 'mask',
    cite: 'Dinh et al. 2017 (RealNVP)',
    doc: 'Images: b[c, i, j] = 1 iff (i + j) mod 2 = parity.',
    args: [arg('parity', T.int(0, 1), 'which squares pass through: 0 or 1', { positional: true, default: 0 })],
  },
  {
    name: 'channel',
    category: 'mask',
    cite: 'Dinh et al. 2017 (RealNVP)',
    doc: 'Images: the first ⌊C/2⌋ channels pass through, the rest are transformed.',
    args: [],
  },
  { name: 'half', category: 'mask', doc: 'Vectors: the first ⌊D/2⌋ dimensions pass through.', args: [] },
  { name: 'alternate', category: 'mask', doc: 'Vectors: even indices pass through (b = [1, 0, 1, 0, …]).', args: [] },
];
