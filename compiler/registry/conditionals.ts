// Autoregressive conditionals (category 'conditional') and the layers of a pixelcnn block (category 'ar-layer').
// Parameter rules take `o`, the values emitted per data dimension (likelihoodOutputs: 1 Bernoulli, K categorical, ...).
// Fixed architectures (documented so the runtime builds the same tensors):
//  gated_pixelcnn, h = channels, k = kernel, kv = (k+1)/2, per layer (input C for the first, h after):
//    vertical conv kv×k (in→2h), horizontal conv 1×kv (in→2h), vertical→horizontal 1×1 (2h→2h),
//    horizontal out 1×1 (h→h);
//    head 1×1 (h→h) → ReLU → 1×1 (h→C·o).
//  pixelrnn, h = hidden: input conv 7×7 mask A (C→2h); per layer row_lstm: input-to-state 1×3 (2h→4h),
//    state-to-state 1×3 (h→4h, no bias), 1×1 up (h→2h); diagonal_bilstm: per direction input-to-state 1×1 (2h→4h),
//    state-to-state 2×1 (h→4h, no bias), directions summed, then 1×1 up (h→2h); each layer adds its up
//    conv to the 2h-channel residual map; head ReLU → 1×1 (2h→2h) → ReLU → 1×1 (2h→C·o).
//    (runtime/ar/pixelrnn.ts builds exactly these tensors, named after the names below.)
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import * as codes from '../diagnostics/codes-registry.js';
import type { LayerKind, ParamSpec, ResolvedArgs, Shape } from './types.js';
import { NET_ACTIVATIONS, T, arg } from './spec.js';
import { madeHidden, madeMasksArg } from './made-masks.js';
import { conv, convFlops, countParams, dense, denseFlops, imageDims, numel } from './tensors.js';
import { pixelcnnppPlan, planParamShapes } from '../math/pixelcnnpp.js';

export interface ArLayerDesc {
  mask: 'A' | 'B' | 'none';
  kernel: number;
  channels: number;
  activation: string;
  residual: boolean;
}

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** Read a conv of a pixelcnn block: a CheckedCall ({ kind: LayerKind, args }) or an ArLayerIR. */
export function arLayerOf(v: unknown): ArLayerDesc | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const a = (o.kind && typeof o.kind === 'object' ? o.args : o) as Record<string, unknown> | undefined;
  if (!a) return undefined;
  const mask = a.mask === 'A' || a.mask === 'B' || a.mask === 'none' ? a.mask : 'B';
  return {
    mask,
    kernel: num(a.kernel, 3),
    channels: num(a.channels, 1),
    activation: typeof a.activation === 'string' ? a.activation : 'none',
    residual: a.residual === true,
  };
}

export interface ConditionalDesc {
  name: string;
  args: Record<string, unknown>;
  layers: ArLayerDesc[];
}

/** Read a conditional: a CheckedCall (args + body) or a ConditionalIR. */
export function conditionalOf(v: unknown): ConditionalDesc | undefined {
  if (typeof v === 'string') return { name: v, args: {}, layers: [] };
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (o.kind && typeof o.kind === 'object') {
    const name = (o.kind as { name?: unknown }).name;
    if (typeof name !== 'string') return undefined;
    const args = (o.args as Record<string, unknown>) ?? {};
    const body = Array.isArray(o.body) ? o.body : Array.isArray(args.layers) ? args.layers : [];
    return { name, args, layers: body.map(arLayerOf).filter((x): x is ArLayerDesc => !!x) };
  }
  if (typeof o.kind !== 'string') return undefined;
  const layers = Array.isArray(o.layers) ? o.layers.map(arLayerOf).filter((x): x is ArLayerDesc => !!x) : [];
  return { name: o.kind, args: o, layers };
}

interface Dims {
  C: number;
  H: number;
  W: number;
  D: number;
}
const dimsOf = (shape: Shape): Dims => {
  const img = imageDims(shape);
  return img ? { ...img, D: numel(shape) } : { C: 1, H: 1, W: numel(shape), D: numel(shape) };
};

/** the context size of a conditional model p(x|y) (set by the lowering), 0 without one */
const ctxOf = (a: ResolvedArgs): number => (typeof a.context === 'number' && a.context > 0 ? a.context : 0);

/** p(x|y) in PixelRNN: V·y ([k, 4h]) added to the input-to-state term `is` (named `<is>.context`) */
const pixelRnnContext = (is: string, k: number, h: number): ParamSpec => ({
  name: `${is}.context`,
  shape: [k, 4 * h],
  init: 'uniform-fan-in',
});

/** Parameter tensors of a conditional for data of `shape`, emitting `o` values per dimension. */
export function conditionalParamSpecs(cond: ConditionalDesc, shape: Shape, o = 1): ParamSpec[] {
  const { C, D } = dimsOf(shape);
  const a = cond.args;
  switch (cond.name) {
    case 'nade': {
      const H = num(a.hidden, 500);
      return [
        { name: 'W', shape: [D, H], init: 'uniform-fan-in' }, // [in, out] like every dense W (tensors.ts)
        { name: 'c', shape: [H], init: 'zeros' },
        { name: 'V', shape: [D, H, o], init: 'uniform-fan-in' },
        { name: 'b', shape: [D, o], init: 'zeros' },
        // p(x|y): the context y adds to the hidden pre-activation of every position (an extra input)
        ...(ctxOf(a) ? [{ name: 'context.W', shape: [ctxOf(a), H], init: 'uniform-fan-in' as const }] : []),
      ];
    }
    case 'made': {
      const hidden = madeHidden(a, [500, 500]);
      const sizes = [D, ...hidden, D * o];
      const ps: ParamSpec[] = [];
      for (let i = 0; i + 1 < sizes.length; i++) ps.push(...dense(`layer${i}`, sizes[i]!, sizes[i + 1]!));
      if (a.direct === true) ps.push({ name: 'direct.W', shape: [D, D * o], init: 'uniform-fan-in' });
      // p(x|y): the context y feeds the first layer unmasked (y is not part of x)
      if (typeof a.context === 'number' && a.context > 0)
        ps.push({ name: 'context.W', shape: [a.context, sizes[1]!], init: 'uniform-fan-in' });
      return ps;
    }
    case 'pixelcnn': {
      const ps: ParamSpec[] = [];
      let cin = C;
      cond.layers.forEach((l, i) => {
        ps.push(...conv(`conv${i}`, l.kernel, l.kernel, cin, l.channels));
        // p(x|y): the label as an extra bias V·y of every layer
        if (ctxOf(a)) ps.push({ name: `conv${i}.context`, shape: [ctxOf(a), l.channels], init: 'uniform-fan-in' });
        cin = l.channels;
      });
      return ps;
    }
    case 'gated_pixelcnn': {
      const h = num(a.channels, 64);
      const k = num(a.kernel, 3);
      const kv = Math.ceil(k / 2);
      const ps: ParamSpec[] = [];
      for (let i = 0; i < num(a.layers, 15); i++) {
        const cin = i === 0 ? C : h;
        ps.push(
          ...conv(`layer${i}.v`, kv, k, cin, 2 * h),
          ...conv(`layer${i}.h`, 1, kv, cin, 2 * h),
          ...conv(`layer${i}.v2h`, 1, 1, 2 * h, 2 * h),
          ...conv(`layer${i}.hout`, 1, 1, h, h),
        );
        // p(x|y): V_v·y and V_h·y inside both stacks' gates (van den Oord et al. 2016, eq. 4)
        const kc = ctxOf(a);
        if (kc)
          ps.push(
            { name: `layer${i}.cond_v`, shape: [kc, 2 * h], init: 'uniform-fan-in' },
            { name: `layer${i}.cond_h`, shape: [kc, 2 * h], init: 'uniform-fan-in' },
          );
      }
      ps.push(...conv('head0', 1, 1, h, h), ...conv('head1', 1, 1, h, C * o));
      return ps;
    }
    case 'pixelrnn': {
      const h = num(a.hidden, 64);
      const ps: ParamSpec[] = [...conv('input', 7, 7, C, 2 * h)];
      for (let i = 0; i < num(a.layers, 12); i++) {
        if (a.cell === 'diagonal_bilstm') {
          for (const dir of ['left', 'right']) {
            ps.push(
              ...conv(`layer${i}.${dir}.is`, 1, 1, 2 * h, 4 * h),
              ...conv(`layer${i}.${dir}.ss`, 2, 1, h, 4 * h, { bias: false }),
            );
            if (ctxOf(a)) ps.push(pixelRnnContext(`layer${i}.${dir}.is`, ctxOf(a), h));
          }
        } else {
          ps.push(
            ...conv(`layer${i}.is`, 1, 3, 2 * h, 4 * h),
            ...conv(`layer${i}.ss`, 1, 3, h, 4 * h, { bias: false }),
          );
          if (ctxOf(a)) ps.push(pixelRnnContext(`layer${i}.is`, ctxOf(a), h));
        }
        ps.push(...conv(`layer${i}.up`, 1, 1, h, 2 * h));
      }
      ps.push(...conv('head0', 1, 1, 2 * h, 2 * h), ...conv('head1', 1, 1, 2 * h, C * o));
      return ps;
    }
    case 'pixelcnnpp': {
      // `outputs` (per pixel) is set by the lowering; a checked call estimates C·o
      const F = num(a.filters, 160);
      const plan = pixelcnnppPlan({ filters: F, resnets: num(a.resnets, 5), scales: num(a.scales, 3) });
      return planParamShapes(plan, C, F, num(a.outputs, C * o), ctxOf(a)).map(([name, shape]) => ({
        name,
        shape,
        init: shape.length === 1 ? ('zeros' as const) : ('uniform-fan-in' as const),
      }));
    }
    default:
      return [];
  }
}

export const conditionalParams = (cond: ConditionalDesc, shape: Shape, o = 1): number =>
  countParams(conditionalParamSpecs(cond, shape, o));

/** multiply-adds per example of one full pass (a sampling step costs one pass per dimension without caching) */
export function conditionalFlops(cond: ConditionalDesc, shape: Shape, o = 1): number {
  const { H, W, D } = dimsOf(shape);
  const img = imageDims(shape);
  // NADE computes all D hidden states incrementally in O(D·H), then D output heads
  if (cond.name === 'nade') return denseFlops(D, num(cond.args.hidden, 500)) + D * num(cond.args.hidden, 500) * o;
  let f = 0;
  for (const p of conditionalParamSpecs(cond, shape, o)) {
    const n = numel(p.shape);
    if (p.shape.length === 4)
      f += img ? n * H * W : n; // conv filter: applied at every pixel
    else if (p.shape.length >= 2) f += n; // dense
  }
  return f;
}

const outputsOf = (args: ResolvedArgs): number => num(args.outputs, 1);
const paramsRule = (name: string) => (input: Shape, args: ResolvedArgs) =>
  conditionalParamSpecs(
    {
      name,
      args,
      layers: Array.isArray(args.layers) ? args.layers.map(arLayerOf).filter((x): x is ArLayerDesc => !!x) : [],
    },
    input,
    outputsOf(args),
  );

export const CONDITIONALS: LayerKind[] = [
  {
    name: 'nade',
    category: 'conditional',
    cite: 'Larochelle & Murray 2011 (NADE)',
    doc: 'h_i = σ(c + W_{:,<i} x_{<i}), p(x_i | x_{<i}) from b_i + V_i·h_i; weights shared across positions.',
    args: [arg('hidden', T.size(1, 'width'), 'hidden units', { positional: true, default: 500 })],
    takesCondition: 'as an extra input to the hidden layer (c + W_y·y)',
    params: paramsRule('nade'),
  },
  {
    name: 'made',
    category: 'conditional',
    cite: 'Germain et al. 2015 (MADE)',
    doc: 'Masked autoencoder: one pass gives every p(x_i | x_{<i}); masks from order, hidden sizes and connectivity.',
    args: [
      arg('hidden', T.list(T.size(1, 'width'), 1), 'hidden layer widths', { positional: true, default: [500, 500] }),
      arg('connectivity', T.call('connectivity'), 'how hidden degrees are chosen', { default: 'sequential' }),
      arg('activation', T.oneOf(...NET_ACTIVATIONS), 'hidden nonlinearity', { default: 'relu' }),
      arg(
        'orders',
        T.size(1, 'components'),
        'order-agnostic training (Germain et al. §3.3): S orders, one per minibatch;' +
          " order 0 is the model's, order s ≥ 1 is random(s)",
        { default: 1 },
      ),
      arg(
        'connectivities',
        T.size(1, 'components'),
        'connectivity-agnostic training (§3.4): C hidden-degree draws, one per' +
          ' minibatch; draw 0 is `connectivity`, draw c ≥ 1 is random(seed + c)',
        { default: 1 },
      ),
      arg(
        'ensemble',
        T.size(1, 'components'),
        'mask sets whose probabilities are averaged at evaluation (the first N of' +
          ' the S·C trained ones; without orders/connectivities: N connectivity draws trained as one mixture)',
        {
          default: 1,
        },
      ),
      arg('direct', T.bool(), 'add direct input→output connections, masked to the order', { default: false }),
      madeMasksArg,
    ],
    takesCondition: 'as an extra input to the first layer (unmasked)',
    params: paramsRule('made'),
  },
  {
    name: 'pixelcnn',
    category: 'conditional',
    cite: 'van den Oord et al. 2016 (Pixel RNN, PixelCNN)',
    doc: 'A stack of masked convolutions (first mask A, then B); the last conv emits the likelihood parameters.',
    args: [],
    block: 'ar-layer',
    takesCondition: 'as an extra bias V_l·y of every layer (before its activation)',
    params: paramsRule('pixelcnn'),
  },
  {
    name: 'gated_pixelcnn',
    category: 'conditional',
    cite: 'van den Oord et al. 2016 (Conditional PixelCNN)',
    doc: 'Gated vertical + horizontal stacks: tanh ⊙ σ gates, no blind spot.',
    args: [
      arg('layers', T.size(1, 'layers'), 'number of gated layers', { default: 15 }),
      arg('channels', T.size(1, 'width'), 'feature channels h', { default: 64 }),
      arg('kernel', T.size(1, 'kernel'), 'kernel size k (odd)', { default: 3 }),
    ],
    takesCondition: "as V·y inside the gate of both stacks in every layer (the paper's class-conditional term)",
    params: paramsRule('gated_pixelcnn'),
  },
  {
    name: 'pixelrnn',
    category: 'conditional',
    cite: 'van den Oord et al. 2016 (Pixel RNN)',
    doc: 'LSTM layers over rows (Row LSTM: triangular receptive field) or diagonals (Diagonal BiLSTM: full context).',
    args: [
      arg('cell', T.oneOf('row_lstm', 'diagonal_bilstm'), 'the recurrent layer', { positional: true, required: true }),
      arg('layers', T.size(1, 'layers'), 'number of LSTM layers', { default: 12 }),
      arg('hidden', T.size(1, 'width'), 'hidden state channels h', { default: 64 }),
    ],
    takesCondition:
      'as V_l·y added to the input-to-state term of every LSTM layer (both directions of a Diagonal BiLSTM),' +
      " like the paper's conditional PixelCNN",
    params: paramsRule('pixelrnn'),
  },
  {
    name: 'pixelcnnpp',
    category: 'conditional',
    cite: 'Salimans et al. 2017 (PixelCNN++); layout of github.com/openai/pixel-cnn',
    doc:
      'Down-shifted (u) and down-right-shifted (ul) streams over `scales` resolutions (stride-2 convs down, ' +
      'transposed convs up), gated ResNet blocks with concat-ELU and dropout, shortcuts from the up pass to the ' +
      'down pass; predicts whole pixels (order raster(channels: joint)).',
    args: [
      arg('filters', T.size(1, 'width'), 'feature channels of every block (nr_filters)', { default: 160 }),
      arg('resnets', T.size(1, 'blocks'), 'gated ResNet blocks per resolution (nr_resnet)', { default: 5 }),
      arg('scales', T.int(1, 6), 'resolutions: 1 + the number of stride-2 downsamplings', { default: 3 }),
      arg('dropout', T.num(0, 1, false, true), 'dropout rate inside each block while training', { default: 0.5 }),
    ],
    takesCondition:
      'as a class-conditional bias V·y ([k, 2·filters]) added inside every gated ResNet block, before its gate' +
      " (the released code's `h` in gated_resnet)",
    params: paramsRule('pixelcnnpp'),
  },
];

export const AR_LAYERS: LayerKind[] = [
  {
    name: 'conv',
    category: 'ar-layer',
    cite: 'van den Oord et al. 2016 (PixelCNN)',
    doc: 'k×k masked conv, "same" padding; mask A excludes the centre pixel (first layer), B includes it.',
    args: [
      arg(
        'mask',
        T.oneOf('A', 'B', 'none'),
        'A: strictly earlier pixels; B: also the current one; none: unmasked (1×1 heads)',
        {
          positional: true,
          default: 'B',
        },
      ),
      arg('kernel', T.size(1, 'kernel'), 'kernel size k (odd), centre c = (k−1)/2', { default: 3 }),
      arg('channels', T.size(1, 'width'), 'output channels', { required: true }),
      arg('activation', T.oneOf(...NET_ACTIVATIONS, 'none'), 'nonlinearity after the conv', { default: 'none' }),
      arg('residual', T.bool(), 'add the input (needs equal channel counts)', { default: false }),
    ],
    shape: (input, args, ctx) => {
      const img = imageDims(input);
      if (!img) {
        ctx.report(makeDiagnostic(codes.CONV_ON_VECTOR, ctx.span, { layer: 'conv', shape: input }));
        return undefined;
      }
      const k = num(args.kernel, 3);
      const cout = num(args.channels, img.C);
      let ok = true;
      if (k % 2 === 0 && args.mask !== 'none') {
        ctx.report(makeDiagnostic(codes.EVEN_KERNEL, ctx.span, { kernel: k }));
        ok = false;
      }
      if (args.residual === true && cout !== img.C) {
        ctx.report(makeDiagnostic(codes.RESIDUAL_CHANNEL_MISMATCH, ctx.span, { cin: img.C, cout }));
        ok = false;
      }
      return ok ? [cout, img.H, img.W] : undefined;
    },
    params: (input, args) => {
      const { C } = dimsOf(input);
      const k = num(args.kernel, 3);
      return conv('conv', k, k, C, num(args.channels, 1));
    },
    flops: (input, args) => {
      const { C, H, W } = dimsOf(input);
      const k = num(args.kernel, 3);
      return convFlops(k, k, C, num(args.channels, 1), H, W);
    },
  },
];
