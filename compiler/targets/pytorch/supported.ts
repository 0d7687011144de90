// What the PyTorch target implements: one entry per FlowIR construct (layer kinds, nets, priors,
// families). Anything not in these tables — a kind added to the registry later included — makes
// `compile --target pytorch` fail with a message naming it, never emit code that cannot run.
import { flattenLayers } from '../../ir/layer-args.js';
import type { ConditionalIR, FlowIR, LayerIR, LikelihoodIR, NetIR, PriorIR } from '../../ir/types.js';

/** layer kinds (and argument values) the torch package implements; a reason when a variant is not */
export const TORCH_LAYERS: Record<string, (l: LayerIR) => string | undefined> = {
  coupling: () => undefined,
  squeeze: () => undefined,
  split: () => undefined,
  actnorm: () => undefined,
  invconv1x1: () => undefined,
  permute: () => undefined,
  logit: () => undefined,
  planar: () => undefined,
  radial: () => undefined,
  maf: () => undefined,
  iaf: () => undefined,
  dequantize: () => undefined,
};
export const TORCH_NETS: readonly NetIR['kind'][] = ['mlp', 'resnet', 'made'];
export const TORCH_PRIORS: readonly PriorIR['kind'][] = ['normal', 'logistic', 'laplace', 'mixture'];
export const TORCH_FAMILIES: readonly FlowIR['family'][] = ['flow', 'autoregressive', 'energy'];
/** autoregressive conditionals; a reason when a variant is not implemented */
export const TORCH_CONDITIONALS: Record<string, (c: ConditionalIR) => string | undefined> = {
  nade: () => undefined,
  made: (c) => (c.kind === 'made' && c.ensemble > 1 ? `made(ensemble: ${c.ensemble})` : undefined),
  pixelcnn: () => undefined,
  gated_pixelcnn: () => undefined,
};
export const TORCH_LIKELIHOODS: readonly LikelihoodIR['kind'][] =
  ['bernoulli', 'categorical', 'logistic_mixture', 'gaussian'];

export interface Unsupported {
  /** the construct, as a user names it: "autoregressive model (pixelcnn)", "dequantize(variational)" */
  construct: string;
  /** the layer id, when a layer */
  id?: string;
  /** "file:line:col" of the construct, when known */
  at?: string;
}

/** every construct of `ir` the PyTorch target does not implement (empty: it can be emitted) */
export function unsupportedConstructs(ir: FlowIR): Unsupported[] {
  const out: Unsupported[] = [];
  if (!TORCH_FAMILIES.includes(ir.family)) {
    const what = ir.family === 'vae' ? 'variational autoencoder'
      : ir.family === 'energy' ? 'energy target (reverse-KL fit)' : ir.family;
    out.push({ construct: what });
  }
  const walk = (layers: readonly LayerIR[]) => {
    for (const l of layers) {
      const rule = TORCH_LAYERS[l.kind];
      const why = rule ? rule(l) : l.kind;
      if (why) out.push({ construct: why, id: l.id, at: l.at });
      const net = (l.args as { net?: NetIR }).net;
      if (net && !TORCH_NETS.includes(net.kind)) out.push({ construct: `net ${net.kind}`, id: l.id, at: l.at });
    }
  };
  walk(flattenLayers(ir.flow));
  const c = ir.conditional;
  if (ir.family === 'autoregressive' && c) {
    const rule = TORCH_CONDITIONALS[c.kind];
    const why = rule ? rule(c) : c.kind;
    if (why) out.push({ construct: `autoregressive model (${why})` });
    if (ir.likelihood && !TORCH_LIKELIHOODS.includes(ir.likelihood.kind)) {
      out.push({ construct: `likelihood ${ir.likelihood.kind}` });
    }
  }
  if (ir.prior && !TORCH_PRIORS.includes(ir.prior.kind)) out.push({ construct: `prior ${ir.prior.kind}` });
  return out;
}
