// What the PyTorch target implements: one entry per FlowIR construct (layer kinds, nets, priors,
// families). Anything not in these tables — a kind added to the registry later included — makes
// `compile --target pytorch` fail with a message naming it, never emit code that cannot run.
import { flattenLayers } from '../../ir/layer-args.js';
import type { ConditionalIR, FlowIR, LayerIR, LikelihoodIR, NetIR, PriorIR } from '../../ir/types.js';

/**
 * layer kinds the torch package implements, with the arguments it reads: for each, the values it
 * implements (null: any value). A kind, argument or value not listed — one added to the registry
 * later — is refused by name instead of being emitted as code that would do something else.
 */
export const TORCH_LAYER_ARGS: Record<string, Record<string, readonly unknown[] | null>> = {
  coupling: {
    type: ['affine', 'additive', 'logistic_mixture', 'spline'],
    k: null,
    bins: null,
    bound: null,
    mask: null,
    maskKind: null,
    net: null,
    scale: ['exp', 'sigmoid', 'tanh'],
  },
  squeeze: {},
  split: { prior: ['fixed', 'conditional'] },
  actnorm: { dataInit: null },
  invconv1x1: { lu: null },
  permute: { perm: null },
  logit: { alpha: null },
  planar: { activation: ['tanh', 'leaky_relu', 'softplus', 'elu', 'sigmoid'], inverse: ['none', 'iterative'] },
  radial: { inverse: ['none', 'iterative'] },
  // context: a VAE posterior step's encoder context h (the MADE's extra first-layer inputs)
  maf: { order: null, net: null, transform: null, context: null },
  iaf: { order: null, net: null, context: null },
  dequantize: {
    type: ['uniform', 'variational', 'categorical'],
    K: null,
    flow: null,
    dim: null,
    k: null,
    context: null,
    net: null,
    features: null,
  },
};
export const TORCH_LAYERS = TORCH_LAYER_ARGS;

/** the construct of layer `l` the target does not implement, or undefined */
function layerProblem(l: LayerIR): string | undefined {
  const known = TORCH_LAYER_ARGS[l.kind];
  if (!known) return l.kind;
  for (const [k, v] of Object.entries(l.args as Record<string, unknown>)) {
    if (!(k in known)) return `${l.kind}(${k}: …)`;
    const values = known[k];
    if (values && !values.includes(v)) return `${l.kind}(${k}: ${String(v)})`;
  }
  return undefined;
}

/** the FlowIR fields the emitter reads; a model with any other (a new construct) is refused */
const KNOWN_IR_FIELDS = new Set([
  'version',
  'model',
  'family',
  'target',
  'data',
  'order',
  'channels',
  'prior',
  'flow',
  'conditional',
  'likelihood',
  'latent',
  'encoder',
  'decoder',
  'posterior',
  'train',
  'totals',
  'condition',
]);
export const TORCH_NETS: readonly NetIR['kind'][] = ['mlp', 'resnet', 'made', 'flowpp'];
/** the fields of each net kind the torch package reads: a net with another field set (one added later) is refused */
const TORCH_NET_FIELDS: Record<string, readonly string[]> = {
  mlp: ['kind', 'hidden', 'activation', 'zeroInitLast'],
  resnet: ['kind', 'blocks', 'channels', 'kernel', 'zeroInitLast'],
  flowpp: ['kind', 'blocks', 'channels', 'heads', 'dropout', 'zeroInitLast'],
  made: ['kind', 'hidden', 'activation', 'masks', 'zeroInitLast'],
};

/** the construct of net `n` the target does not implement, or undefined */
function netProblem(n: NetIR): string | undefined {
  if (!TORCH_NETS.includes(n.kind)) return `net ${n.kind}`;
  const extra = Object.entries(n).find(
    ([k, v]) => !TORCH_NET_FIELDS[n.kind]!.includes(k) && v !== undefined && v !== false,
  );
  return extra ? `net ${n.kind}(${extra[0]}: ${String(extra[1])})` : undefined;
}
export const TORCH_PRIORS: readonly PriorIR['kind'][] = ['normal', 'logistic', 'laplace', 'mixture'];
export const TORCH_FAMILIES: readonly FlowIR['family'][] = ['flow', 'autoregressive', 'energy', 'vae'];
/** the autoregressive conditionals the target emits; for a variant it refuses, the construct its diagnostic names */
export const TORCH_CONDITIONALS: Record<string, (c: ConditionalIR) => string | undefined> = {
  nade: () => undefined,
  made: () => undefined,
  pixelcnn: () => undefined,
  gated_pixelcnn: () => undefined,
  pixelrnn: () => undefined,
  pixelcnnpp: () => undefined,
};
/**
 * `condition y` (p(x | y)): the autoregressive conditionals whose torch module takes the context as the tfjs
 * runtime does, and flows (whose layers are context-free or read it as below); a conditioned model of another
 * family or conditional is refused as "condition on …"
 */
export const TORCH_CONDITIONED: readonly string[] = ['nade', 'made', 'pixelcnn', 'gated_pixelcnn', 'flow'];
/**
 * flow layers under `condition y`: those that never read the context (a uniform or variational dequantization's
 * own flow has its own context), and those whose torch module joins it to its conditioner's input as the tfjs
 * one does (every coupling type); any other layer (maf, iaf, a categorical encoding, …) is refused as
 * "condition on <kind>"
 */
const CONDITIONED_LAYERS: Record<string, (l: LayerIR) => boolean> = {
  squeeze: () => true,
  split: () => true,
  actnorm: () => true,
  invconv1x1: () => true,
  permute: () => true,
  logit: () => true,
  coupling: () => true,
  dequantize: (l) => l.kind === 'dequantize' && l.args.type !== 'categorical',
};
export const TORCH_LIKELIHOODS: readonly LikelihoodIR['kind'][] = [
  'bernoulli',
  'categorical',
  'logistic_mixture',
  'gaussian',
];

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
    const what =
      ir.family === 'vae'
        ? 'variational autoencoder'
        : ir.family === 'energy'
          ? 'energy target (reverse-KL fit)'
          : ir.family;
    out.push({ construct: what });
  }
  const walk = (layers: readonly LayerIR[]) => {
    for (const l of layers) {
      const why = layerProblem(l);
      if (why) out.push({ construct: why, id: l.id, at: l.at });
      const net = (l.args as { net?: NetIR }).net;
      const netWhy = net && netProblem(net);
      if (netWhy) out.push({ construct: netWhy, id: l.id, at: l.at });
    }
  };
  walk(flattenLayers(ir.flow));
  walk(flattenLayers(ir.posterior?.flow));
  for (const [what, n] of [
    ['encoder', ir.encoder],
    ['decoder', ir.decoder],
  ] as const) {
    if (n && n.kind !== 'mlp') out.push({ construct: `${what} net ${n.kind}` });
  }
  for (const k of Object.keys(ir)) if (!KNOWN_IR_FIELDS.has(k)) out.push({ construct: `FlowIR field '${k}'` });
  const c = ir.conditional;
  if (ir.family === 'autoregressive' && c) {
    const rule = TORCH_CONDITIONALS[c.kind];
    const why = rule ? rule(c) : c.kind;
    if (why) out.push({ construct: `autoregressive model (${why})` });
  }
  // a VAE under `condition y` (q(z | x, y), p(x | z, y)) and its encoder context h: flowc_torch/vae.py
  // p(x | y) of the other families: only flows and the autoregressive conditionals in TORCH_CONDITIONED take y
  if (ir.condition && ir.family !== 'vae') {
    const kind = ir.family === 'autoregressive' ? c?.kind : ir.family === 'flow' ? 'flow' : undefined;
    if (!kind || !TORCH_CONDITIONED.includes(kind)) {
      out.push({ construct: `condition on ${kind ?? `a ${ir.family} model`} (\`condition ${ir.condition.name}\`)` });
    }
    for (const l of ir.flow ?? []) {
      if (CONDITIONED_LAYERS[l.kind]?.(l)) continue;
      const what = l.kind === 'dequantize' ? `dequantize(${l.args.type})` : l.kind;
      out.push({ construct: `condition on ${what}`, id: l.id, at: l.at });
    }
  }
  if ((ir.family === 'autoregressive' || ir.family === 'vae') && ir.likelihood) {
    if (!TORCH_LIKELIHOODS.includes(ir.likelihood.kind)) out.push({ construct: `likelihood ${ir.likelihood.kind}` });
  }
  if (ir.prior && !TORCH_PRIORS.includes(ir.prior.kind)) out.push({ construct: `prior ${ir.prior.kind}` });
  return out;
}
