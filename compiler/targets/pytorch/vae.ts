// The VAE family in model.py: an mlp encoder and decoder, a likelihood, a prior and the posterior
// flow (runtime/vae/): amortized planar/radial layers read their parameters from the encoder's
// output, every other posterior layer is the flow layer's own module.
import type { FlowIR, LayerIR } from '../../ir/types.js';
import { likelihoodCode } from './ar.js';
import { call, py } from './python.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** the posterior layers the encoder parameterizes (runtime/vae/posterior.ts) */
export const amortizedLayer = (ir: FlowIR, l: LayerIR): boolean =>
  (ir.posterior?.amortized ?? false) && (l.kind === 'planar' || l.kind === 'radial');

/** the build() expression of a VAE; layerCode: the flow layers' constructors (emit.ts) */
export function vaeModelCode(ir: FlowIR, layerCode: (l: LayerIR) => string, prior: string): string {
  const Dz = size(ir.latent!.shape);
  const post = (ir.posterior?.flow ?? []).map((l) => {
    const m = !amortizedLayer(ir, l)
      ? layerCode(l)
      : l.kind === 'planar'
        ? call('AmortizedPlanar', [Dz], { activation: l.args.activation })
        : call('AmortizedRadial', [Dz]);
    return `            (${py(l.id)}, ${m}),`;
  });
  const mlp = (n: FlowIR['encoder'], zero: boolean): string =>
    n && n.kind === 'mlp' ? call('N.mlp', [n.hidden, n.activation], { zero_init_last: zero }) : 'None';
  // the encoder's last layer is never zero-initialised (runtime/vae/model.ts)
  return `VaeModel(${py(ir.model)}, data_shape=${py(ir.data.shape)}, latent=${Dz},
        encoder=${mlp(ir.encoder, false)},
        decoder=${mlp(ir.decoder, ir.decoder?.kind === 'mlp' && ir.decoder.zeroInitLast)},
        likelihood=${likelihoodCode(ir.likelihood!)},
        prior=${prior},
        posterior=[
${post.join('\n')}
        ])`;
}
