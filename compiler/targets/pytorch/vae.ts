// The VAE family in model.py: an mlp encoder and decoder, a likelihood, a prior and the posterior
// flow (runtime/vae/): amortized planar/radial layers read their parameters from the encoder's
// output, every other posterior layer is the flow layer's own module; with `context: k` the iaf, maf and
// coupling steps also read the encoder's context h [k]. A conditional VAE (`condition y`) joins y's context
// to both nets' inputs.
import type { FlowIR, LayerIR } from '../../ir/types.js';
import { likelihoodCode } from './ar.js';
import { CONTEXT_STEPS } from '../../registry/posteriors.js';
import { call, py } from './python.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** the posterior layers the encoder parameterizes (runtime/vae/posterior.ts) */
export const amortizedLayer = (ir: FlowIR, l: LayerIR): boolean =>
  (ir.posterior?.amortized ?? false) && (l.kind === 'planar' || l.kind === 'radial');

/** the encoder context h [k] that posterior layer `l` reads (runtime/vae/posterior.ts), or undefined */
const contextOf = (ir: FlowIR, l: LayerIR): number[] | undefined => {
  const h = ir.posterior?.amortized ? (ir.posterior.context ?? 0) : 0;
  return h > 0 && CONTEXT_STEPS.has(l.kind) ? [h] : undefined;
};

/**
 * the build() expression of a VAE; layerCode: the flow layers' constructors (emit.ts), given the context shape a
 * coupling joins to its conditioner's input (iaf and maf read theirs from their FlowIR arguments)
 */
export function vaeModelCode(ir: FlowIR, layerCode: (l: LayerIR, h?: number[]) => string, prior: string): string {
  const Dz = size(ir.latent!.shape);
  const post = (ir.posterior?.flow ?? []).map((l) => {
    const m = !amortizedLayer(ir, l)
      ? layerCode(l, l.kind === 'coupling' ? contextOf(ir, l) : undefined)
      : l.kind === 'planar'
        ? call('AmortizedPlanar', [Dz], { activation: l.args.activation })
        : call('AmortizedRadial', [Dz]);
    return `            (${py(l.id)}, ${m}),`;
  });
  const mlp = (n: FlowIR['encoder'], zero: boolean): string =>
    n && n.kind === 'mlp' ? call('N.mlp', [n.hidden, n.activation], { zero_init_last: zero }) : 'None';
  // the encoder emits h after the flow parameters (runtime/vae/model.ts)
  const h = ir.posterior?.context;
  // the encoder's last layer is never zero-initialised (runtime/vae/model.ts)
  return `VaeModel(${py(ir.model)}, data_shape=${py(ir.data.shape)}, latent=${Dz},
        encoder=${mlp(ir.encoder, false)},
        decoder=${mlp(ir.decoder, ir.decoder?.kind === 'mlp' && ir.decoder.zeroInitLast)},
        likelihood=${likelihoodCode(ir.likelihood!)},
        prior=${prior},
        posterior=[
${post.join('\n')}
        ]${h ? `,\n        context=${h}` : ''}${ir.condition ? `,\n        condition=IR["condition"]` : ''})`;
}
