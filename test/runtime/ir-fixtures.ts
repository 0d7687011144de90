// Hand-built FlowIR for runtime tests (the compiler's lowering is tested elsewhere).
import type { Domain, FlowIR, LayerIR, NetIR, PriorIR } from '../../compiler/ir/types.js';

let counter = 0;

export function layer(
  kind: string,
  inShape: number[],
  args: Record<string, unknown> = {},
  outShape?: number[],
  id?: string,
): LayerIR {
  return {
    kind,
    id: id ?? `flow.${counter++}.${kind}`,
    inShape,
    outShape: outShape ?? inShape.slice(),
    args,
    params: [],
    jacobian: '',
    logDet: '',
    directions: { density: 'closed', sample: 'closed' },
  } as LayerIR; // hand-built fixtures: kinds and arguments as each test needs them
}

export function flowIR(opts: {
  shape: number[];
  flow: LayerIR[];
  prior?: PriorIR;
  domain?: Domain;
  seed?: number;
}): FlowIR {
  return {
    version: 1,
    model: 'Test',
    family: 'flow',
    data: { name: 'x', domain: opts.domain ?? { kind: 'real' }, shape: opts.shape },
    prior: opts.prior ?? { kind: 'normal', mean: 0, std: 1, learned: false },
    flow: opts.flow,
    train: {
      batch: 64,
      optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      seed: opts.seed ?? 1,
    },
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
}

export const mlp = (...hidden: number[]): NetIR => ({ kind: 'mlp', hidden, activation: 'relu', zeroInitLast: true });
export const tanhMlp = (...hidden: number[]): NetIR => ({
  kind: 'mlp',
  hidden,
  activation: 'tanh',
  zeroInitLast: true,
});
export const resnet = (blocks = 1, channels = 4, kernel = 3): NetIR => ({
  kind: 'resnet',
  blocks,
  channels,
  kernel,
  zeroInitLast: true,
});
export const made = (...hidden: number[]): NetIR => ({
  kind: 'made',
  hidden,
  activation: 'tanh',
  masks: [],
  zeroInitLast: true,
});

/** vectors: 1 at even indices (parity 0) or odd (parity 1) */
export function alternate(D: number, parity = 0): number[] {
  return Array.from({ length: D }, (_, i) => (i % 2 === parity ? 1 : 0));
}

/** flattened C·H·W checkerboard: 1 iff (i + j) mod 2 = parity */
export function checkerboard(C: number, H: number, W: number, parity = 0): number[] {
  const m: number[] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) m.push((i + j) % 2 === parity ? 1 : 0);
  return m;
}

/** flattened C·H·W channel mask: the first C/2 channels pass through (or the last, if !first) */
export function channelMask(C: number, H: number, W: number, first = true): number[] {
  const m: number[] = [];
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) m.push(c < C / 2 === first ? 1 : 0);
  return m;
}

export function coupling(
  shape: number[],
  mask: number[],
  net: NetIR,
  type: 'affine' | 'additive' = 'affine',
  scale: 'exp' | 'sigmoid' | 'tanh' = 'tanh',
): LayerIR {
  return layer('coupling', shape, { type, mask, maskKind: 'literal', net, scale });
}

/** two moons (W1 geometry), shuffled; deterministic from seed */
export function moons(n: number, noise: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const g = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  const half = n / 2;
  const pts: number[][] = [];
  for (let i = 0; i < half; i++) {
    const t = (Math.PI * i) / (half - 1);
    pts.push([Math.cos(t), Math.sin(t)]);
  }
  for (let i = 0; i < half; i++) {
    const t = (Math.PI * i) / (half - 1);
    pts.push([1 - Math.cos(t), 0.5 - Math.sin(t)]);
  }
  for (const p of pts) {
    p[0] += noise * g();
    p[1] += noise * g();
  }
  for (let i = pts.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [pts[i], pts[j]] = [pts[j], pts[i]];
  }
  return Float32Array.from(pts.flat());
}
