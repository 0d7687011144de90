// Conditioner nets (category 'net'): mlp, resnet, flowpp, made. Used by couplings, MAF/IAF, encoders, decoders.
// Also the parameter/FLOP rules for a net given its input and output sizes.
import type { LayerKind, ParamSpec } from './types.js';
import { NET_ACTIVATIONS, T, arg } from './spec.js';
import { madeHidden, madeMasksArg } from './made-masks.js';
import { conv, convFlops, dense, denseFlops, isNumArray } from './tensors.js';
import { type FlowppDesc, flowppFlops, flowppParamSpecs } from './flowpp-net.js';

const activation = arg('activation', T.oneOf(...NET_ACTIVATIONS), 'nonlinearity between layers', { default: 'relu' });
const zeroInit = arg(
  'zero_init',
  T.bool(),
  'zero-initialize the last layer so a flow starts as the identity (conditioners)',
  {
    default: true,
  },
);

export const NETS: LayerKind[] = [
  {
    name: 'mlp',
    category: 'net',
    doc: 'Fully connected net: Dense(in→h1) → act → … → Dense(hn→out); images are flattened.',
    args: [
      arg('hidden', T.list(T.size(1, 'width')), 'hidden layer widths, e.g. mlp(64, 64)', {
        positional: true,
        variadic: true,
        default: [64, 64],
      }),
      activation,
      zeroInit,
    ],
  },
  {
    name: 'resnet',
    category: 'net',
    cite: 'Dinh et al. 2017 (RealNVP), residual conditioner',
    doc: 'Conv ResNet: Conv(in→ch); blocks × [h += Conv(act(Conv(act(h))))]; Conv(act(h)→out); k×k "same" convs.',
    args: [
      arg('blocks', T.size(0, 'blocks'), 'number of residual blocks (two convs each)', { default: 2 }),
      arg('channels', T.size(1, 'width'), 'feature channels inside the net', { default: 32 }),
      arg('kernel', T.size(1, 'kernel'), 'square kernel size (odd)', { default: 3 }),
      activation,
      zeroInit,
    ],
  },
  {
    name: 'flowpp',
    category: 'net',
    cite: 'Ho et al. 2019 (Flow++), §3.3',
    doc:
      'Flow++ conditioner: Conv(in→ch) + position embedding; blocks × [gated residual conv, layer norm, ' +
      'multi-head self-attention over all positions (gated, residual), layer norm]; Conv(ch→out). ' +
      'Vectors: their entries are the positions.',
    args: [
      arg('blocks', T.size(0, 'blocks'), 'number of (gated conv, attention) blocks', { default: 2 }),
      arg('channels', T.size(1, 'width'), 'feature channels inside the net (a multiple of heads)', { default: 32 }),
      arg('heads', T.size(1, 'width'), 'attention heads', { default: 4 }),
      arg(
        'dropout',
        T.num(0, 1, false, true),
        'dropout rate during training (after the gated conv and the attention)',
        {
          default: 0,
        },
      ),
      arg(
        'weight_norm',
        T.bool(),
        'weight-normalise the hidden convolutions (w = g·v/‖v‖, +1 g per output channel) with g and b ' +
          'initialised from the first batch (zero mean, unit variance per channel), as in Flow++',
        { default: false },
      ),
      zeroInit,
    ],
  },
  {
    name: 'made',
    category: 'net',
    cite: 'Germain et al. 2015 (MADE)',
    doc: 'Masked autoencoder conditioner (MAF/IAF): output i depends only on inputs earlier in the order.',
    args: [
      arg('hidden', T.list(T.size(1, 'width'), 1), 'hidden layer widths', { positional: true, default: [64, 64] }),
      arg('connectivity', T.call('connectivity'), 'how hidden degrees m(k) are chosen', { default: 'sequential' }),
      activation,
      zeroInit,
      madeMasksArg,
    ],
  },
];

/** A conditioner net, whatever form it arrives in (checked call, NetIR, or a bare name). */
export interface NetDesc {
  kind: 'mlp' | 'resnet' | 'made' | 'flowpp';
  hidden: number[];
  activation: string;
  blocks: number;
  channels: number;
  kernel: number;
  zeroInitLast: boolean;
  /** flowpp: attention heads, dropout rate, weight normalisation */
  heads?: number;
  dropout?: number;
  weightNorm?: boolean;
}

const NET_DEFAULTS: NetDesc = {
  kind: 'mlp',
  hidden: [64, 64],
  activation: 'relu',
  blocks: 2,
  channels: 32,
  kernel: 3,
  zeroInitLast: true,
};

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/**
 * Normalize a net value: a CheckedCall ({ kind: LayerKind, args }), a NetIR ({ kind: 'mlp', hidden, ... }),
 * or a bare name ('mlp'). Returns undefined when it is not a net.
 */
export function netOf(v: unknown): NetDesc | undefined {
  if (typeof v === 'string') return isNet(v) ? { ...NET_DEFAULTS, kind: v } : undefined;
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  let name: unknown = o.kind;
  let a: Record<string, unknown> = o;
  if (name && typeof name === 'object') {
    // CheckedCall: kind is the LayerKind, values are in args
    name = (name as { name?: unknown }).name;
    a = (o.args as Record<string, unknown>) ?? {};
  } else if (typeof o.name === 'string' && o.args && typeof o.args === 'object') {
    name = o.name;
    a = o.args as Record<string, unknown>;
  }
  if (typeof name !== 'string' || !isNet(name)) return undefined;
  const hidden =
    name === 'made' ? madeHidden(a, NET_DEFAULTS.hidden) : isNumArray(a.hidden) ? a.hidden : NET_DEFAULTS.hidden;
  return {
    kind: name,
    hidden,
    activation: typeof a.activation === 'string' ? a.activation : 'relu',
    blocks: num(a.blocks, NET_DEFAULTS.blocks),
    channels: num(a.channels, NET_DEFAULTS.channels),
    kernel: num(a.kernel, NET_DEFAULTS.kernel),
    zeroInitLast:
      typeof a.zeroInitLast === 'boolean' ? a.zeroInitLast : typeof a.zero_init === 'boolean' ? a.zero_init : true,
    ...(name === 'flowpp'
      ? {
          heads: num(a.heads, 4),
          dropout: num(a.dropout, 0),
          weightNorm: a.weightNorm === true || a.weight_norm === true,
        }
      : {}),
  };
}

const isNet = (s: string): s is NetDesc['kind'] => s === 'mlp' || s === 'resnet' || s === 'made' || s === 'flowpp';

const flowppOf = (net: NetDesc): FlowppDesc => ({
  blocks: net.blocks,
  channels: net.channels,
  heads: net.heads ?? 4,
  dropout: net.dropout ?? 0,
  zeroInitLast: net.zeroInitLast,
  weightNorm: net.weightNorm ?? false,
});

export interface Spatial {
  H: number;
  W: number;
}

/**
 * Parameter tensors of a conditioner mapping `inSize` to `outSize` features.
 * With `spatial`, sizes are channel counts of an H×W map: resnet convolves it ("same" padding),
 * mlp/made flatten it (in·H·W → out·H·W). Without it, sizes are vector lengths (resnet uses 1×1 maps).
 */
export function netParamSpecs(
  net: NetDesc,
  inSize: number,
  outSize: number,
  spatial?: Spatial,
  prefix = 'net',
): ParamSpec[] {
  if (net.kind === 'flowpp') return flowppParamSpecs(flowppOf(net), inSize, outSize, spatial, prefix);
  if (net.kind === 'resnet') {
    const k = net.kernel;
    const ch = net.channels;
    const ps: ParamSpec[] = [...conv(`${prefix}.in`, k, k, inSize, ch)];
    for (let b = 0; b < net.blocks; b++) {
      ps.push(...conv(`${prefix}.block${b}.conv0`, k, k, ch, ch), ...conv(`${prefix}.block${b}.conv1`, k, k, ch, ch));
    }
    ps.push(...conv(`${prefix}.out`, k, k, ch, outSize, { zeroInit: net.zeroInitLast }));
    return ps;
  }
  const hw = spatial ? spatial.H * spatial.W : 1;
  const sizes = [inSize * hw, ...net.hidden, outSize * hw];
  const ps: ParamSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    ps.push(...dense(`${prefix}.${i}`, sizes[i]!, sizes[i + 1]!, last && net.zeroInitLast));
  }
  return ps;
}

export function netParams(net: NetDesc, inSize: number, outSize: number, spatial?: Spatial): number {
  return netParamSpecs(net, inSize, outSize, spatial).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
}

/** multiply-adds per example of one pass of the net */
export function netFlops(net: NetDesc, inSize: number, outSize: number, spatial?: Spatial): number {
  const H = spatial?.H ?? 1;
  const W = spatial?.W ?? 1;
  if (net.kind === 'flowpp') return flowppFlops(flowppOf(net), inSize, outSize, spatial);
  if (net.kind === 'resnet') {
    const k = net.kernel;
    const ch = net.channels;
    return (
      convFlops(k, k, inSize, ch, H, W) +
      net.blocks * 2 * convFlops(k, k, ch, ch, H, W) +
      convFlops(k, k, ch, outSize, H, W)
    );
  }
  const sizes = [inSize * H * W, ...net.hidden, outSize * H * W];
  let f = 0;
  for (let i = 0; i + 1 < sizes.length; i++) f += denseFlops(sizes[i]!, sizes[i + 1]!);
  return f;
}
