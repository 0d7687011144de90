// The Flow++ conditioner, `net: flowpp(blocks, channels, heads, dropout)` (Ho et al. 2019, §3.3; the layout of
// the released flows/flows.py MixLogisticAttnCoupling): the input is a grid of positions (an image's H×W
// pixels, or a vector's n entries as an n×1 grid with one channel) and
//   h = Conv_k(in → ch)(x) + pos                        (pos: a learned [H, W, ch] position embedding)
//   blocks × [ h = h + gate(Conv₁(concat_elu(Conv_k(concat_elu(h)))))   gated residual conv
//              h = LayerNorm(h)
//              h = h + gate(Conv₁(MultiHeadAttention(h + pos)))        self-attention over all positions
//              h = LayerNorm(h) ]
//   out = Conv_k(ch → out)(h) on images; Dense(n·ch → out)(flatten h) on vectors; zero-initialised.
// gate(a ‖ b) = a ⊙ σ(b); concat_elu(x) = elu(x ‖ −x); k = 3 on images, 1 on vectors. Dropout (training only)
// after the inner concat_elu and after the attention, as in flows.py.
// weight_norm: true (Flow++'s nn.py; Salimans & Kingma 2016): every hidden convolution (in, the blocks' conv,
// gate, qkv and attn) is Conv(x; w = g·v/‖v‖ per output channel) + b, v ~ N(0, 0.05), with g and b set on the
// first batch so that its pre-activations have zero mean and unit variance per channel (data-dependent init;
// a non-trainable `<prefix>.wn_initialized` flag, saved like actnorm's and like it not a parameter, marks it
// done). +1 g per output channel. The output layer stays plain and zero-initialised, so the coupling starts as
// the identity.
import type { ParamSpec } from './types.js';
import { conv as plainConv, convFlops, dense, denseFlops } from './tensors.js';

/** a hidden conv's parameters: W and b, or with weight norm the direction v, the per-channel g and b */
function hiddenConv(wn: boolean, prefix: string, kh: number, kw: number, cin: number, cout: number): ParamSpec[] {
  if (!wn) return plainConv(prefix, kh, kw, cin, cout);
  return [
    { name: `${prefix}.v`, shape: [kh, kw, cin, cout], init: 'normal(0.05)' },
    { name: `${prefix}.g`, shape: [cout], init: 'ones' },
    { name: `${prefix}.b`, shape: [cout], init: 'zeros' },
  ];
}

export interface FlowppDesc {
  blocks: number;
  channels: number;
  heads: number;
  dropout: number;
  zeroInitLast: boolean;
  weightNorm: boolean;
}

/** the grid a flowpp net works on: [H, W, kernel] */
type Grid = { H: number; W: number; k: number; cin: number };
export const flowppGrid = (inSize: number, spatial?: { H: number; W: number }): Grid =>
  spatial ? { H: spatial.H, W: spatial.W, k: 3, cin: inSize } : { H: inSize, W: 1, k: 1, cin: 1 };

export function flowppParamSpecs(
  net: FlowppDesc,
  inSize: number,
  outSize: number,
  spatial: { H: number; W: number } | undefined,
  prefix: string,
): ParamSpec[] {
  const { H, W, k, cin } = flowppGrid(inSize, spatial);
  const ch = net.channels;
  const conv = (p: string, kh: number, kw: number, ci: number, co: number) =>
    hiddenConv(net.weightNorm, p, kh, kw, ci, co);
  const ps: ParamSpec[] = [
    { name: `${prefix}.pos`, shape: [H, W, ch], init: 'normal(0.01)' },
    ...conv(`${prefix}.in`, k, k, cin, ch),
  ];
  for (let b = 0; b < net.blocks; b++) {
    const p = `${prefix}.block${b}`;
    ps.push(
      ...conv(`${p}.conv`, k, k, 2 * ch, ch),
      ...conv(`${p}.gate`, 1, 1, 2 * ch, 2 * ch),
      { name: `${p}.ln1.g`, shape: [ch], init: 'ones' },
      { name: `${p}.ln1.b`, shape: [ch], init: 'zeros' },
      ...conv(`${p}.qkv`, 1, 1, ch, 3 * ch),
      ...conv(`${p}.attn`, 1, 1, ch, 2 * ch),
      { name: `${p}.ln2.g`, shape: [ch], init: 'ones' },
      { name: `${p}.ln2.b`, shape: [ch], init: 'zeros' },
    );
  }
  ps.push(
    ...(spatial
      ? plainConv(`${prefix}.out`, k, k, ch, outSize, { zeroInit: net.zeroInitLast })
      : dense(`${prefix}.out`, H * ch, outSize, net.zeroInitLast)),
  );
  return ps;
}

export function flowppFlops(
  net: FlowppDesc,
  inSize: number,
  outSize: number,
  spatial?: { H: number; W: number },
): number {
  const { H, W, k, cin } = flowppGrid(inSize, spatial);
  const ch = net.channels,
    T = H * W;
  const block =
    convFlops(k, k, 2 * ch, ch, H, W) +
    convFlops(1, 1, 2 * ch, 2 * ch, H, W) +
    convFlops(1, 1, ch, 3 * ch, H, W) +
    2 * T * T * ch +
    convFlops(1, 1, ch, 2 * ch, H, W);
  const out = spatial ? convFlops(k, k, ch, outSize, H, W) : denseFlops(T * ch, outSize);
  return convFlops(k, k, cin, ch, H, W) + net.blocks * block + out;
}
