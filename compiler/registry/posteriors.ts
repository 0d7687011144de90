// Posterior families (category 'posterior') of a VAE: `posterior gaussian` or `posterior flow(amortized: true) { ...
// }`.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

/** posterior layer kinds that take the encoder's context h in an amortized posterior (Kingma et al. 2016) */
export const CONTEXT_STEPS: ReadonlySet<string> = new Set(['iaf', 'maf', 'coupling']);

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
    args: [
      arg('amortized', T.bool(), 'the encoder emits the flow parameters per example', { default: true }),
      arg(
        'context',
        T.size(1, 'width'),
        "size of the encoder's context h, an extra input of every iaf, maf and coupling step (amortized only)",
        { default: 16 },
      ),
    ],
    block: 'flow',
  },
];
