// Unnormalized targets (category 'target'), fitted by reverse KL (family 'energy').
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const TARGETS: LayerKind[] = [
  {
    name: 'energy',
    category: 'target',
    cite: 'Rezende & Mohamed 2015, Table 1',
    doc: 'p(z) ∝ exp(−U(z)) on R², U one of the four test energies U1..U4.',
    args: [arg('name', T.oneOf('u1', 'u2', 'u3', 'u4'), 'which energy', { positional: true, required: true })],
  },
];
