// Posterior families (category 'posterior') of a VAE: `posterior gaussian` or `posterior flow(amortized: true) { ...
// }`.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const POSTERIORS: LayerKind[] = [
  {
    name: 'gaussian',
    category: 'posterior',
    cite: 'Kingma & Welling 2014',
    doc: 'Diagonal Gaussian q(z|x) = N(μ(x), diag σ²(x)) from the encoder.',
    args: [],
  },
  {
    name: 'flow',
    category: 'posterior',
    cite: 'Rezende & Mohamed 2015',
    doc: 'q_K(z_K|x): a diagonal Gaussian q_0(z_0|x) pushed through the nested flow (written latent-sample direction).',
    args: [arg('amortized', T.bool(), 'the encoder emits the flow parameters per example', { default: true })],
    block: 'flow',
  },
];
