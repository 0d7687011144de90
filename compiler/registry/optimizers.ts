// Optimizers (category 'optimizer').
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const OPTIMIZERS: LayerKind[] = [
  {
    name: 'adam',
    category: 'optimizer',
    cite: 'Kingma & Ba 2015',
    doc: 'Adam; eps is added to the square root of the bias-corrected second moment.',
    args: [
      arg('lr', T.num(0, undefined, true), 'learning rate', { positional: true, default: 1e-3 }),
      arg('beta1', T.num(0, 1), 'first-moment decay', { default: 0.9 }),
      arg('beta2', T.num(0, 1), 'second-moment decay', { default: 0.999 }),
      arg('eps', T.num(0, undefined, true), 'numerical stabilizer', { default: 1e-8 }),
    ],
  },
];
