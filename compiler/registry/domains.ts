// Data domains (category 'domain'): `real[2]`, `binary[784]`, `categorical(K)[...]`, `discrete(K)[...]`.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

const levels = (doc: string) => arg('K', T.size(2, 'components'), doc, { positional: true, required: true });

export const DOMAINS: LayerKind[] = [
  { name: 'real', category: 'domain', doc: 'Real-valued data (flows need it continuous).', args: [] },
  { name: 'binary', category: 'domain', doc: 'Values in {0, 1}.', args: [] },
  {
    name: 'categorical',
    category: 'domain',
    doc: 'Unordered categories 0..K−1.',
    args: [levels('number of categories')],
  },
  {
    name: 'discrete',
    category: 'domain',
    doc: 'Ordered integers 0..K−1, e.g. 8-bit pixels: discrete(256).',
    args: [levels('number of levels')],
  },
];
