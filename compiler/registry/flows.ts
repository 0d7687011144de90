// Flow layers (category 'flow'), written in the density direction data → latent.
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import * as codes from '../diagnostics/codes-registry.js';
import type { LayerKind, ParamSpec, ResolvedArgs, Shape, ShapeContext } from './types.js';
import { T, arg, NET_ACTIVATIONS } from './spec.js';
import { couplingShape, couplingSizes, validRank } from './coupling.js';
import { netFlops, netOf, netParamSpecs, type NetDesc } from './nets.js';
import { channelsOf, conv, dense, imageDims, numel } from './tensors.js';
import { CATEGORICAL_ARGS, categoricalFlops, categoricalParams, categoricalShape } from './categorical.js';
import { ORDER_TYPE } from './orders.js';
import {
  DEFAULT_MIXTURE_K,
  DEFAULT_SPLINE_BINS,
  DEFAULT_SPLINE_BOUND,
  SPLINE_MAX_BINS,
  TRANSFORM_KINDS,
  paramsPerElement,
} from '../math/elementwise.js';
import { autoregressiveTransform } from './transforms.js';

/** Planar activations. The invertibility proof rejects the non-smooth (relu) and non-monotone (sin) ones. */
export const PLANAR_ACTIVATIONS = ['tanh', 'leaky_relu', 'softplus', 'elu', 'sigmoid', 'relu', 'sin'] as const;

const same =
  (layer: string) =>
  (input: Shape, _a: ResolvedArgs, ctx: ShapeContext): Shape | undefined =>
    validRank(input, layer, ctx) ? [...input] : undefined;

const closed = { density: 'closed', sample: 'closed' } as const;
const inverseArg = arg(
  'inverse',
  T.oneOf('none', 'iterative'),
  'density direction (data → latent): none (VAE posteriors / energy fits only) or an iterative 1-D root-find',
  { default: 'none' },
);

const madeOf = (args: ResolvedArgs): NetDesc => {
  const hidden = Array.isArray(args.hidden) ? (args.hidden as number[]) : [64, 64];
  const fromNet = netOf(args.net);
  return (
    fromNet ?? {
      kind: 'made',
      hidden,
      activation: String(args.activation ?? 'relu'),
      blocks: 0,
      channels: 0,
      kernel: 1,
      zeroInitLast: true,
    }
  );
};

const autoregressiveArgs = [
  arg('hidden', T.list(T.size(1, 'width'), 1), 'hidden widths of the MADE conditioner', {
    positional: true,
    default: [64, 64],
  }),
  arg('order', ORDER_TYPE, "autoregressive order of the dimensions (the model's `order` when not written)", {
    default: 'natural',
  }),
  arg('connectivity', T.call('connectivity'), 'how MADE hidden degrees are chosen', { default: 'sequential' }),
  arg('activation', T.oneOf(...NET_ACTIVATIONS), 'nonlinearity of the MADE conditioner', { default: 'relu' }),
];

/** MADE outputs per dimension: 2 (μ, α), or the spline's 3·bins − 1 (maf/iaf(…, transform: spline(…))) */
export const autoregressiveOutputs = (args: ResolvedArgs): number => {
  const t = autoregressiveTransform(args.transform);
  return t.kind === 'spline' ? paramsPerElement('spline', t) : 2;
};
/**
 * inputs a context adds to the MADE (a VAE posterior's encoder context h, unmasked): `contextInputs` as the lowering
 * passes it, `context` as FlowIR's maf/iaf args carry it (explain re-evaluates the rules on those)
 */
const contextInputsOf = (args: ResolvedArgs): number =>
  typeof args.contextInputs === 'number' ? args.contextInputs : typeof args.context === 'number' ? args.context : 0;
const autoregressiveParams = (input: Shape, args: ResolvedArgs): ParamSpec[] => {
  const D = numel(input);
  return netParamSpecs(madeOf(args), D + contextInputsOf(args), autoregressiveOutputs(args) * D);
};
const autoregressiveFlops = (input: Shape, args: ResolvedArgs): number => {
  const D = numel(input);
  return netFlops(madeOf(args), D + contextInputsOf(args), autoregressiveOutputs(args) * D) + 3 * D;
};

/**
 * The conditioning net of variational dequantization, q(u|x) (Flow++): it maps x/K − ½ to (μ, log σ)
 * of the base noise h = μ + σ⊙ε that the nested flow block then transforms; runtime/bijectors/dequantize.ts
 * builds exactly this net. Images [C,H,W]: resnet(blocks: 1, channels: 32, kernel: 3), C → 2C channels;
 * other shapes: mlp(64) of the flattened D values, D → 2D. Last layer zero-initialized. `net:` replaces it.
 * With `features: k` (Flow++ §3.1: every coupling of q sees features of x) it emits k more channels (k more
 * values on vectors), the context every layer of the nested flow receives (runtime/bijectors/context.ts).
 */
export const DEQUANT_COND_RESNET: NetDesc = {
  kind: 'resnet',
  hidden: [],
  activation: 'relu',
  blocks: 1,
  channels: 32,
  kernel: 3,
  zeroInitLast: true,
};
export const DEQUANT_COND_MLP: NetDesc = {
  kind: 'mlp',
  hidden: [64],
  activation: 'relu',
  blocks: 0,
  channels: 0,
  kernel: 1,
  zeroInitLast: true,
};

/** the conditioning net of q(u|x): the spec's `net:`, else the default for the shape */
export function dequantNet(input: Shape, args: ResolvedArgs): NetDesc {
  return netOf(args.net) ?? (imageDims(input) ? DEQUANT_COND_RESNET : DEQUANT_COND_MLP);
}

/** channels (values on vectors) of the context q's conditioning net hands to its flow */
export const dequantContext = (args: ResolvedArgs): number =>
  typeof args.features === 'number' && Number.isInteger(args.features) && args.features > 0 ? args.features : 0;

/**
 * inputs the context adds to a conditioner of a layer nested in a variational dequantization of `outer` shape:
 * k per position on the data's grid, k·4ⁿ after n squeezes (runtime/bijectors/context.ts squeezes it alike)
 */
export function nestedContextInputs(outer: Shape, k: number, inner: Shape): number {
  if (!k) return 0;
  return outer.length === 3 && inner.length === 3 ? k * (outer[1]! / inner[1]!) ** 2 : k;
}

function dequantCond(input: Shape, args: ResolvedArgs): { params: ParamSpec[]; flops: number } {
  const img = imageDims(input);
  const net = dequantNet(input, args);
  const k = dequantContext(args);
  if (img) {
    const sp = { H: img.H, W: img.W };
    const out = 2 * img.C + k;
    return { params: netParamSpecs(net, img.C, out, sp, 'q.cond'), flops: netFlops(net, img.C, out, sp) };
  }
  const D = numel(input);
  return { params: netParamSpecs(net, D, 2 * D + k, undefined, 'q.cond'), flops: netFlops(net, D, 2 * D + k) };
}

export const FLOWS: LayerKind[] = [
  {
    name: 'dequantize',
    category: 'flow',
    cite: 'Ho et al. 2019 (Flow++); Lippe & Gavves 2021 (Categorical NF); lecture "(Variational) dequantization"',
    // (doc kept as is: editors/vscode/flow.schema.json is generated from it.) The variational q(u|x) also has
    // a conditioning net, DEQUANT_COND_* above, whose tensors (q.cond.*) the params rule counts; the categorical
    // encoding's tables and context net are CATEGORICAL_* in ./categorical.ts.
    doc:
      'v = x + u with u ~ U[0,1)^D (uniform) or u ~ q(u|x) given by a nested flow (variational); the bound on ' +
      'log P(x).',
    args: [
      arg(
        'type',
        T.oneOf('uniform', 'variational', 'categorical'),
        'uniform noise, a learned q(u|x) (nested flow block), or a learned encoding of unordered categories',
        {
          positional: true,
          default: 'uniform',
        },
      ),
      ...CATEGORICAL_ARGS,
      arg(
        'net',
        T.call('net'),
        "variational: the conditioning net of q(u|x), from x to the base noise's (μ, log σ) and the features " +
          '(default resnet(blocks: 1, channels: 32) on images, mlp(64) on vectors)',
      ),
      arg(
        'features',
        T.int(0),
        'variational: channels of x-features every layer of the nested flow is conditioned ' +
          'on (Flow++ §3.1); 0 = none',
        { default: 16 },
      ),
    ],
    block: 'flow',
    shape: (input, args, ctx) => {
      if (args.type === 'categorical') return categoricalShape(input, args);
      if (!validRank(input, 'dequantize', ctx)) return undefined;
      if (netOf(args.net)?.kind === 'resnet' && !imageDims(input)) {
        ctx.report(makeDiagnostic(codes.CONV_NET_ON_VECTOR, ctx.span, { net: 'resnet', shape: input }));
        return undefined;
      }
      return [...input];
    },
    jacobian: 'none',
    logDet: '−D·log K',
    directions: closed,
    params: (input, args) =>
      args.type === 'variational'
        ? dequantCond(input, args).params
        : args.type === 'categorical'
          ? categoricalParams(input, args)
          : [],
    flops: (input, args) =>
      numel(input) +
      (args.type === 'variational'
        ? dequantCond(input, args).flops
        : args.type === 'categorical'
          ? categoricalFlops(input, args)
          : 0),
  },
  {
    name: 'logit',
    category: 'flow',
    cite: 'Dinh et al. 2017 (RealNVP), data preprocessing',
    doc: 'p = α + (1−2α)·x, y = log p − log(1−p): maps [0,1] data to the real line.',
    args: [
      arg('alpha', T.num(0, 0.5, false, true), 'boundary margin α, 0 ≤ α < 0.5', { positional: true, default: 0.05 }),
    ],
    shape: same('logit'),
    jacobian: 'diagonal',
    logDet: 'Σ [log(1−2α) − log p − log(1−p)]',
    directions: closed,
    params: () => [],
    flops: (input) => 4 * numel(input),
  },
  {
    name: 'coupling',
    category: 'flow',
    cite: 'Dinh et al. 2015 (NICE), 2017 (RealNVP)',
    doc: 'y_b = x_b; y_{1−b} = x_{1−b}⊙exp(s(x_b)) + t(x_b) (affine) or x_{1−b} + t(x_b) (additive).',
    args: [
      arg(
        'type',
        T.oneOf(...TRANSFORM_KINDS),
        'affine (scale and shift), additive (shift only, volume preserving), logistic_mixture (Flow++: ' +
          'σ⁻¹ of a K-component mixture-of-logistics CDF, then scale and shift) or spline (rational-quadratic, ' +
          'identity outside [−bound, bound])',
        { positional: true, default: 'affine' },
      ),
      arg('mask', T.mask(), 'which elements pass through and condition the rest (1 = pass through)', {
        required: true,
      }),
      arg('net', T.call('net'), 'conditioner computing s and t from the pass-through part', { required: true }),
      arg(
        'scale',
        T.oneOf('exp', 'sigmoid', 'tanh'),
        'positive scale parameterization: exp(s), sigmoid(s + 2), exp(tanh(s))',
        {
          default: 'tanh',
        },
      ),
      arg('flip', T.bool(), 'inside repeat: complement the mask on every other repetition', { default: false }),
      arg('k', T.size(1, 'components'), 'logistic_mixture: number of logistic components per element', {
        default: DEFAULT_MIXTURE_K,
        onlyWhen: { arg: 'type', in: ['logistic_mixture'] },
      }),
      arg('bins', T.int(2, SPLINE_MAX_BINS), 'spline: number of rational-quadratic bins', {
        default: DEFAULT_SPLINE_BINS,
        onlyWhen: { arg: 'type', in: ['spline'] },
      }),
      arg('bound', T.num(0, undefined, true), 'spline: the spline acts on [−bound, bound], the identity outside', {
        default: DEFAULT_SPLINE_BOUND,
        onlyWhen: { arg: 'type', in: ['spline'] },
      }),
    ],
    shape: couplingShape,
    jacobian: 'block-triangular',
    logDet: 'Σ_{i∉b} s_i(x_b)',
    directions: closed,
    takesCondition: "joined to its conditioner's input (a vector context tiled over an image's pixels)",
    params: (input, args) => {
      const net = netOf(args.net);
      if (!net) return [];
      const z = couplingSizes(input, args);
      return netParamSpecs(net, z.inSize, z.outSize, z.spatial);
    },
    flops: (input, args) => {
      const net = netOf(args.net);
      const z = couplingSizes(input, args);
      return (net ? netFlops(net, z.inSize, z.outSize, z.spatial) : 0) + 3 * numel(input);
    },
  },
  {
    name: 'squeeze',
    category: 'flow',
    cite: 'Dinh et al. 2017 (RealNVP), multi-scale architecture',
    doc: '[C,H,W] → [4C,H/2,W/2]: out[(di·2+dj)·C + c, i, j] = in[c, 2i+di, 2j+dj].',
    args: [],
    shape: (input, _args, ctx) => {
      const img = imageDims(input);
      if (!img) {
        if (validRank(input, 'squeeze', ctx))
          ctx.report(makeDiagnostic(codes.SQUEEZE_NEEDS_IMAGE, ctx.span, { layer: 'squeeze', shape: input }));
        return undefined;
      }
      if (!validRank(input, 'squeeze', ctx)) return undefined;
      if (img.H % 2 !== 0 || img.W % 2 !== 0) {
        ctx.report(makeDiagnostic(codes.SQUEEZE_ODD_SPATIAL, ctx.span, { shape: input, H: img.H, W: img.W }));
        return undefined;
      }
      return [4 * img.C, img.H / 2, img.W / 2];
    },
    jacobian: 'permutation',
    logDet: '0',
    directions: closed,
    params: () => [],
    flops: () => 0,
  },
  {
    name: 'split',
    category: 'flow',
    cite: 'Dinh et al. 2017 (RealNVP); Kingma & Dhariwal 2018 (Glow)',
    doc:
      'Keeps channels [0, C/2) and factors [C/2, C) out to the prior (fixed N(0, I) or conditioned on the kept ' +
      'half).',
    args: [
      arg(
        'prior',
        T.oneOf('fixed', 'conditional'),
        'prior of the factored-out half: the base prior, or N(μ, σ) from the kept half',
        {
          positional: true,
          default: 'fixed',
        },
      ),
    ],
    shape: (input, _args, ctx) => {
      if (!validRank(input, 'split', ctx)) return undefined;
      const { C } = channelsOf(input);
      if (C < 2) {
        ctx.report(makeDiagnostic(codes.SPLIT_TOO_FEW_CHANNELS, ctx.span, { shape: input, C }));
        return undefined;
      }
      if (C % 2 !== 0) {
        ctx.report(makeDiagnostic(codes.SPLIT_ODD_CHANNELS, ctx.span, { shape: input, C }));
        return undefined;
      }
      return input.length === 3 ? [C / 2, input[1]!, input[2]!] : [C / 2];
    },
    jacobian: 'identity',
    logDet: '0 (+ log p(z_out))',
    directions: closed,
    params: (input, args) => {
      if (args.prior !== 'conditional') return [];
      const img = imageDims(input);
      if (img) return conv('prior', 3, 3, img.C / 2, img.C, { zeroInit: true });
      const D = numel(input);
      return dense('prior', Math.floor(D / 2), 2 * Math.floor(D / 2), true);
    },
    flops: (input, args) => {
      if (args.prior !== 'conditional') return 0;
      const img = imageDims(input);
      if (img) return 9 * (img.C / 2) * img.C * img.H * img.W;
      const h = Math.floor(numel(input) / 2);
      return h * 2 * h;
    },
  },
  {
    name: 'planar',
    category: 'flow',
    cite: 'Rezende & Mohamed 2015, eq. 10–12',
    doc: 'f(z) = z + u·h(wᵀz + b), with û reparameterized so that wᵀû ≥ −1 (invertible).',
    args: [
      arg(
        'activation',
        T.oneOf(...PLANAR_ACTIVATIONS),
        'h: must be smooth and monotone (tanh, leaky_relu, softplus, elu, sigmoid)',
        {
          positional: true,
          default: 'tanh',
        },
      ),
      inverseArg,
    ],
    shape: same('planar'),
    jacobian: 'rank-one',
    logDet: 'log|1 + uᵀψ(z)|, ψ(z) = h′(wᵀz + b)w',
    directions: { density: 'iterative', sample: 'closed' },
    params: (input) => {
      const D = numel(input);
      return [
        { name: 'u', shape: [D], init: 'normal(0.1)' },
        { name: 'w', shape: [D], init: 'normal(0.1)' },
        { name: 'b', shape: [1], init: 'zeros' },
      ];
    },
    flops: (input) => 4 * numel(input),
  },
  {
    name: 'radial',
    category: 'flow',
    cite: 'Rezende & Mohamed 2015, eq. 14',
    doc: 'f(z) = z + βh(α, r)(z − z₀), h = 1/(α + r), r = ‖z − z₀‖, with β ≥ −α by parameterization.',
    args: [inverseArg],
    shape: same('radial'),
    jacobian: 'radial',
    logDet: '(d−1)·log(1 + βh(α,r)) + log(1 + βh(α,r) + βh′(α,r)r)',
    directions: { density: 'iterative', sample: 'closed' },
    params: (input) => [
      { name: 'z0', shape: [numel(input)], init: 'normal(0.1)' },
      { name: 'alpha', shape: [1], init: 'zeros' },
      { name: 'beta', shape: [1], init: 'zeros' },
    ],
    flops: (input) => 5 * numel(input),
  },
  {
    name: 'actnorm',
    category: 'flow',
    cite: 'Kingma & Dhariwal 2018 (Glow)',
    doc:
      'Per-channel affine y = s⊙x + b (s = exp(log_s)), initialized from the first batch to zero mean, unit ' +
      'variance.',
    args: [arg('data_init', T.bool(), 'initialize s and b from the first batch', { default: true })],
    shape: same('actnorm'),
    jacobian: 'diagonal',
    logDet: 'H·W·Σ_c log|s_c|',
    directions: closed,
    params: (input) => {
      const { C } = channelsOf(input);
      return [
        { name: 'log_scale', shape: [C], init: 'zeros' },
        { name: 'bias', shape: [C], init: 'zeros' },
      ];
    },
    flops: (input) => 2 * numel(input),
  },
  {
    name: 'invconv1x1',
    category: 'flow',
    cite: 'Kingma & Dhariwal 2018 (Glow)',
    doc: 'Invertible 1×1 convolution mixing channels: y = W x at every pixel; W = P·L·(U + diag(s)) with lu.',
    args: [
      arg('lu', T.bool(), 'LU parameterization (log|det| in O(C)); P and sign(s) are fixed buffers', {
        positional: true,
        default: true,
      }),
    ],
    shape: same('invconv1x1'),
    jacobian: 'channel-mix',
    logDet: 'H·W·log|det W| = H·W·Σ log|diag U|',
    directions: closed,
    params: (input, args) => {
      const { C } = channelsOf(input);
      if (args.lu === false) return [{ name: 'W', shape: [C, C], init: 'orthogonal' }];
      return [
        { name: 'L', shape: [C, C], init: 'orthogonal-lu' },
        { name: 'U', shape: [C, C], init: 'orthogonal-lu' },
        { name: 'log_s', shape: [C], init: 'orthogonal-lu' },
      ];
    },
    flops: (input) => {
      const { C, HW } = channelsOf(input);
      return C * C * HW;
    },
  },
  {
    name: 'permute',
    category: 'flow',
    doc: 'Fixed permutation of the channels (or of the D dimensions of a vector).',
    args: [
      arg('order', ORDER_TYPE, 'reverse, random(seed) or a literal permutation', {
        positional: true,
        default: 'reverse',
      }),
    ],
    shape: same('permute'),
    jacobian: 'permutation',
    logDet: '0',
    directions: closed,
    params: () => [],
    flops: () => 0,
  },
  {
    name: 'maf',
    category: 'flow',
    cite: 'Papamakarios et al. 2017 (MAF)',
    doc: 'u_i = (x_i − μ_i(x_{<i}))·exp(−α_i(x_{<i})): one MADE pass for density, D passes to sample.',
    args: [
      ...autoregressiveArgs,
      arg(
        'transform',
        T.call('transform'),
        'elementwise transform of each dimension: affine (μ, α) or spline(bins, bound)',
        {
          default: 'affine',
        },
      ),
    ],
    shape: same('maf'),
    jacobian: 'triangular',
    logDet: '−Σ_i α_i',
    directions: { density: 'closed', sample: 'sequential' },
    takesCondition: 'as extra inputs of its MADE, unmasked (connected to every unit of the first hidden layer)',
    params: autoregressiveParams,
    flops: autoregressiveFlops,
  },
  {
    name: 'iaf',
    category: 'flow',
    cite: 'Kingma et al. 2016 (IAF)',
    doc:
      'x = σ(z_{<i})⊙z + μ(z_{<i}): one MADE pass to sample, D passes for density. With ' +
      'transform: spline(bins, bound), x_i = g_i(z_i), a rational-quadratic spline whose parameters come from ' +
      'z_{<i}: closed form to sample, D passes (each inverting the spline in closed form) for density.',
    args: [
      ...autoregressiveArgs,
      arg(
        'transform',
        T.call('transform'),
        'elementwise transform of each dimension: affine (μ, σ) or spline(bins, bound)',
        {
          default: 'affine',
        },
      ),
    ],
    shape: same('iaf'),
    jacobian: 'triangular',
    logDet: 'Σ_i log σ_i',
    directions: { density: 'sequential', sample: 'closed' },
    params: autoregressiveParams,
    flops: autoregressiveFlops,
  },
  {
    name: 'level',
    category: 'flow',
    cite: 'Dinh et al. 2017 (RealNVP), multi-scale architecture',
    doc:
      'Multi-scale block: its layers, then a squeeze and a split (half the channels go to the prior). Not a ' +
      'layer itself.',
    args: [
      arg('squeeze', T.bool(), 'append a squeeze ([C,H,W] → [4C,H/2,W/2]) after the layers', { default: true }),
      arg('split', T.bool(), 'append a split (half the channels go to the prior) after the squeeze', { default: true }),
    ],
    block: 'flow',
  },
];

/** Flow kinds that are blocks expanded by the checker, not layers of FlowIR. */
export const STRUCTURAL_FLOW_KINDS: ReadonlySet<string> = new Set(['level']);

/**
 * The direction each kind's `logDet` formula is written for. Planar, radial and IAF are defined
 * generatively (latent → data), as in the lecture; in the density direction they contribute its negative.
 */
export const LOGDET_WRITTEN_FOR: Record<string, 'density' | 'sample'> = {
  planar: 'sample',
  radial: 'sample',
  iaf: 'sample',
};
