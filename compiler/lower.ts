// CheckedModel → FlowIR (plain JSON the runtime builds from). Runs only on models without
// errors; every mask and order is resolved to arrays, every layer carries its shapes,
// parameter shapes, Jacobian class, log-det term and direction costs.
import type { CheckedLayer, CheckedModel, CheckedVar } from './check/model.js';
import { FLOWIR_VERSION, type FlowIR, type LayerIR, type VarIR } from './ir/types.js';
import {
  conditionalParamSpecs,
  conditionalOf,
  conditionalFlops,
  countParams,
  likelihoodOutputs,
  netParamSpecs,
  netFlops,
  netOf,
  numel,
} from './registry/index.js';
import type { ParamSpec } from './registry/types.js';
import { logDetText, type UseDirection } from './registry/logdet.js';
import { resolveOrder } from './check/orders.js';
import { couplingTransform } from './registry/coupling.js';
import { DEFAULT_MIXTURE_K, DEFAULT_SPLINE_BINS, DEFAULT_SPLINE_BOUND, paramsPerElement } from './math/elementwise.js';
import { autoregressiveTransform } from './registry/transforms.js';
import { dequantContext, nestedContextInputs } from './registry/flows.js';
import { lineIndex } from './diagnostics/lines.js';
import { estimateSize } from './proofs/size.js';
import {
  connectivityOf,
  levelsOf,
  lowerConditional,
  madeMasks,
  lowerLikelihood,
  lowerNet,
  lowerPrior,
  lowerTrain,
  plainArgs,
} from './lower-parts.js';
import { categoricalSizes } from './registry/categorical.js';
import { CONTEXT_STEPS } from './registry/posteriors.js';

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

export interface LowerOptions {
  /** source text of the model's file, for `at: "file:line:col"` */
  source?: string;
}

interface Acc {
  params: number;
  flops: number;
  activations: number;
}

const varIR = (v: CheckedVar): VarIR => ({ name: v.name, domain: { ...v.domain }, shape: [...v.shape] });

/** the log-det text with the H·W factor and D made explicit for this input shape */
export function explicitLogDet(formula: string, inShape: readonly number[], K?: number): string {
  const HW = inShape.length === 3 ? inShape[1]! * inShape[2]! : 1;
  const D = numel(inShape);
  let s = formula.replace(/H·W·/g, HW === 1 ? '' : `${inShape[1]}·${inShape[2]}·`);
  s = s.replace(/−D·log K/g, `−${D}·log ${K ?? 'K'}`);
  return s;
}

/**
 * The layer's log-det term as `explain` prints it: the registry's logDetText on the lowered args,
 * for the direction the layer is used in; the kind's formula with shapes made explicit as a fallback.
 */
function layerLogDet(l: CheckedLayer, model: CheckedModel, args: Record<string, unknown>, dir: UseDirection): string {
  let text: string;
  try {
    text = logDetText(l.kind.name, l.inShape, args, dir);
  } catch {
    text = '';
  }
  return (
    text || explicitLogDet(l.kind.logDet ?? '0', l.inShape, l.kind.name === 'dequantize' ? levelsOf(model) : undefined)
  );
}

function lowerLayer(l: CheckedLayer, model: CheckedModel, acc: Acc, opts: LowerOptions, dir: UseDirection): LayerIR {
  const a = l.args;
  const inShape = l.inShape;
  const D = numel(inShape);
  let args: Record<string, unknown>;
  switch (l.kind.name) {
    case 'coupling': {
      const spatialIn = inShape.length === 3 ? inShape[0]! : D;
      const t = couplingTransform(a);
      args = {
        type: t.kind,
        mask: [...(l.mask ?? [])],
        maskKind: String(a.maskKind ?? 'literal'),
        net: lowerNet(a.net, spatialIn),
        scale: String(a.scale ?? 'tanh'),
      };
      if (t.kind === 'logistic_mixture') args.k = t.settings.k ?? DEFAULT_MIXTURE_K;
      if (t.kind === 'spline') {
        args.bins = t.settings.bins ?? DEFAULT_SPLINE_BINS;
        args.bound = t.settings.bound ?? DEFAULT_SPLINE_BOUND;
      }
      break;
    }
    case 'squeeze':
      args = {};
      break;
    case 'split':
      args = { prior: a.prior === 'conditional' ? 'conditional' : 'fixed' };
      break;
    case 'planar':
      args = { activation: String(a.activation ?? 'tanh'), inverse: a.inverse === 'iterative' ? 'iterative' : 'none' };
      break;
    case 'radial':
      args = { inverse: a.inverse === 'iterative' ? 'iterative' : 'none' };
      break;
    case 'actnorm':
      args = { dataInit: a.data_init !== false };
      break;
    case 'invconv1x1':
      args = { lu: a.lu !== false };
      break;
    case 'permute': {
      const C = inShape.length === 3 ? inShape[0]! : D;
      args = { perm: resolveOrder(a.order, [C])?.values ?? Array.from({ length: C }, (_, i) => C - 1 - i) };
      break;
    }
    case 'maf':
    case 'iaf': {
      const order = resolveOrder(a.order, [D])?.values ?? Array.from({ length: D }, (_, i) => i);
      const hidden = Array.isArray(a.hidden) ? (a.hidden as number[]) : [64, 64];
      const activation = typeof a.activation === 'string' ? a.activation : 'relu';
      // MADE conditioner emitting (μ, α) per dimension: blocked output rows p·D + d
      const t = autoregressiveTransform(a.transform);
      const outs = t.kind === 'spline' ? paramsPerElement('spline', t) : 2;
      const masks = madeMasks(order, hidden, connectivityOf(a.connectivity), outs);
      args = { order, net: { kind: 'made', hidden, activation, masks, zeroInitLast: true } };
      if (t.kind === 'spline') args.transform = t;
      if (typeof a.contextInputs === 'number' && a.contextInputs > 0) args.context = a.contextInputs;
      break;
    }
    case 'logit':
      args = { alpha: num(a.alpha, 0.05) };
      break;
    case 'dequantize': {
      const type = a.type === 'variational' || a.type === 'categorical' ? a.type : 'uniform';
      args = { type, K: levelsOf(model) };
      if (type === 'categorical') {
        const s = categoricalSizes({ ...a, K: levelsOf(model) });
        Object.assign(args, { dim: s.d, k: s.m, context: s.context });
      }
      if (type === 'variational') {
        const img = inShape.length === 3;
        if (a.net !== undefined) args.net = lowerNet(a.net, img ? inShape[0]! : D);
        const k = dequantContext(a);
        if (k) args.features = k;
        // nested couplings read the features as their context (their parameter and FLOP counts include them)
        if (l.children?.length) {
          args.flow = l.children.map((c) =>
            lowerLayer(
              { ...c, args: { ...c.args, contextInputs: nestedContextInputs(inShape, k, c.inShape) } },
              model,
              acc,
              opts,
              dir,
            ),
          );
        }
      } else if (l.children?.length) args.flow = l.children.map((c) => lowerLayer(c, model, acc, opts, dir));
      break;
    }
    default:
      args = plainArgs(a);
  }
  // the categorical encoding's tables have one row per category: the rules see the data's K
  const ruleArgs = l.kind.name === 'dequantize' ? { ...l.args, K: levelsOf(model) } : l.args;
  const params: ParamSpec[] = l.kind.params ? l.kind.params(inShape, ruleArgs) : [];
  acc.params += countParams(params);
  acc.flops += l.kind.flops ? l.kind.flops(inShape, ruleArgs) : 0;
  acc.activations += numel(l.outShape.length ? l.outShape : inShape);
  // args were built per kind above; ir/schema.ts validates them against LAYER_ARGS on every compile
  const ir = {
    kind: l.kind.name as LayerIR['kind'],
    id: l.id,
    inShape: [...inShape],
    outShape: [...l.outShape],
    args,
    params: params.map((p) => ({ name: p.name, shape: [...p.shape], init: p.init })),
    jacobian: l.kind.jacobian ?? 'none',
    logDet: layerLogDet(l, model, args, dir),
    // the mixture coupling's sampling direction is a bisection (runtime/bijectors/transforms/mixture.ts)
    directions: {
      density: l.kind.directions?.density ?? 'closed',
      sample: args.type === 'logistic_mixture' ? 'iterative' : (l.kind.directions?.sample ?? 'closed'),
    },
  } as LayerIR;
  if (opts.source !== undefined) {
    const { line, col } = lineIndex(opts.source).position(l.node.span.start);
    ir.at = `${l.node.span.file}:${line}:${col}`;
  }
  return ir;
}

/** lower a checked model (callers lower only models whose checks found no errors) */
export function lowerModel(model: CheckedModel, opts: LowerOptions = {}): FlowIR {
  const acc: Acc = { params: 0, flops: 0, activations: 0 };
  const dataVar = model.data ?? model.latent;
  const ir: FlowIR = {
    version: FLOWIR_VERSION,
    model: model.name,
    family: model.family,
    data: dataVar ? varIR(dataVar) : { name: 'x', domain: { kind: 'real' }, shape: [] },
    train: lowerTrain(model.train),
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
  if (model.condition) ir.condition = { ...varIR(model.condition), size: model.condition.size };
  if (model.target) ir.target = { kind: 'energy', name: String(model.target.args.name ?? 'u1') };
  if (model.order) ir.order = [...model.order.values];
  // PixelCNN++ predicts whole pixels: joint channels whether the order says so or is left out
  if (model.order?.raster?.channels === 'joint' || model.conditional?.kind.name === 'pixelcnnpp') ir.channels = 'joint';
  const prior = lowerPrior(model.prior);
  if (prior) {
    ir.prior = prior;
    const first = model.flow?.[0];
    const encoded = first?.kind.name === 'dequantize' && first.args.type === 'categorical' ? first.outShape : undefined;
    const priorShape = model.latent?.shape ?? encoded ?? model.data?.shape ?? [];
    if (model.prior?.kind.params) acc.params += countParams(model.prior.kind.params(priorShape, model.prior.args));
  }
  // flows are used data → latent (density); an energy fit samples through its flow
  const flowDir: UseDirection = model.family === 'energy' ? 'sample' : 'density';
  // p(x|y) flows: MAF/IAF layers take the condition as extra MADE inputs (couplings read it at run time)
  const k = model.family === 'flow' ? (model.condition?.size ?? 0) : 0;
  const withContext = (l: CheckedLayer): CheckedLayer =>
    k && (l.kind.name === 'maf' || l.kind.name === 'iaf') ? { ...l, args: { ...l.args, contextInputs: k } } : l;
  if (model.flow) ir.flow = model.flow.map((l) => lowerLayer(withContext(l), model, acc, opts, flowDir));
  const D = model.data ? numel(model.data.shape) : 0;
  const cond = lowerConditional(model.conditional, model, model.order?.values);
  if (cond && model.data) {
    ir.conditional = cond;
    // pixelcnnpp's IR knows its outputs per pixel exactly
    const base = conditionalOf(cond.kind === 'pixelcnnpp' ? cond : model.conditional);
    const desc =
      base && 'context' in cond && cond.context ? { ...base, args: { ...base.args, context: cond.context } } : base;
    const perDim = likelihoodOutputs(model.likelihood, levelsOf(model));
    if (desc) {
      acc.params += countParams(conditionalParamSpecs(desc, model.data.shape, perDim));
      acc.flops += conditionalFlops(desc, model.data.shape, perDim);
    }
  }
  const lik = lowerLikelihood(model.likelihood, model);
  if (lik) {
    ir.likelihood = lik;
    if (model.likelihood?.kind.params && model.data)
      acc.params += countParams(model.likelihood.kind.params(model.data.shape, model.likelihood.args));
  }
  if (model.latent && model.family !== 'flow') ir.latent = varIR(model.latent);
  if (model.family === 'vae' && model.latent) {
    const Dz = numel(model.latent.shape);
    const post = model.posterior?.layers.length ? model.posterior : undefined;
    const amortized = post ? post.args.amortized !== false : false;
    // amortized: the encoder also emits the parameters of every planar and radial layer per example
    // (Rezende & Mohamed, Fig. 2) and a context h that every IAF, MAF and coupling step receives as an
    // extra input (Kingma et al. 2016, §4); other layers keep their own variables (FC514 says so)
    const h = amortized && post?.layers.some((l) => CONTEXT_STEPS.has(l.kind.name)) ? num(post.args.context, 16) : 0;
    const withH = (l: CheckedLayer): CheckedLayer =>
      h && CONTEXT_STEPS.has(l.kind.name) ? { ...l, args: { ...l.args, contextInputs: h } } : l;
    const postLayers = post ? post.layers.map((l) => lowerLayer(withH(l), model, acc, opts, 'sample')) : [];
    const postParams = postLayers
      .filter((l) => l.kind === 'planar' || l.kind === 'radial')
      .reduce((s, l) => s + l.params.reduce((t, p) => t + numel(p.shape), 0), 0);
    const encOut = 2 * Dz + (amortized ? postParams : 0) + h;
    // q(z | x, y) and p(x | z, y): the condition (one-hot, or the vector) is concatenated to both nets' inputs
    const k = model.condition?.size ?? 0;
    if (model.encoder) {
      ir.encoder = lowerNet(model.encoder, D + k, 1, undefined, false);
      const n = netOf(model.encoder);
      if (n) {
        acc.params += countParams(netParamSpecs(n, D + k, encOut));
        acc.flops += netFlops(n, D + k, encOut);
      }
      if (amortized) acc.params -= postParams; // they are outputs of the encoder, not free parameters
    }
    if (model.decoder) {
      ir.decoder = lowerNet(model.decoder, Dz + k, 1, undefined, false);
      const n = netOf(model.decoder);
      const out = D * likelihoodOutputs(model.likelihood, levelsOf(model));
      if (n) {
        acc.params += countParams(netParamSpecs(n, Dz + k, out));
        acc.flops += netFlops(n, Dz + k, out);
      }
    }
    if (post) ir.posterior = { amortized, flow: postLayers, ...(h ? { context: h } : {}) };
  }
  // activation memory per example: the size proof's estimate (layer outputs and conditioner features)
  ir.totals = {
    params: acc.params,
    flops: acc.flops,
    activationBytes: estimateSize(model).activationBytes || 4 * (acc.activations + D),
  };
  return ir;
}
