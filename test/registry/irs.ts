// Hand-built FlowIRs for the explain tests (until lowering exists): W1, a small Glow-style image flow,
// W4's PixelCNN, a planar VAE and a planar energy fit.
import type { FlowIR, LayerIR, NetIR } from '../../compiler/ir/types.js';
import { lookup } from '../../compiler/registry/index.js';

const train = {
  batch: 64,
  optimizer: { kind: 'adam' as const, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  seed: 0,
};
const totals = { params: 0, flops: 0, activationBytes: 0 };

/** a LayerIR whose params come from the registry (as lowering will do) */
export function layer(
  kind: string,
  id: string,
  inShape: number[],
  outShape: number[],
  args: Record<string, unknown>,
): LayerIR {
  const k = lookup(kind, 'flow')!;
  return {
    kind,
    id,
    inShape,
    outShape,
    args,
    params: k.params!(inShape, args),
    jacobian: k.jacobian!,
    logDet: '',
    directions: { ...k.directions! },
  } as LayerIR; // hand-built fixtures: the runtime checks what it reads
}

const mlp = (hidden: number[]): NetIR => ({ kind: 'mlp', hidden, activation: 'relu', zeroInitLast: true });

export function twoMoonsIR(): FlowIR {
  const flow = Array.from({ length: 8 }, (_, l) =>
    layer('coupling', `flow.${l}.coupling`, [2], [2], {
      type: 'affine',
      mask: l % 2 ? [0, 1] : [1, 0],
      maskKind: 'alternate',
      net: mlp([64, 64]),
      scale: 'tanh',
    }),
  );
  return {
    version: 1,
    model: 'TwoMoons',
    family: 'flow',
    data: { name: 'x', domain: { kind: 'real' }, shape: [2] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    flow,
    train,
    totals,
  };
}

export function glowIR(): FlowIR {
  const flow = [
    layer('dequantize', 'flow.0.dequantize', [1, 4, 4], [1, 4, 4], { type: 'uniform', K: 256 }),
    layer('logit', 'flow.1.logit', [1, 4, 4], [1, 4, 4], { alpha: 0.05 }),
    layer('squeeze', 'flow.level0.2.squeeze', [1, 4, 4], [4, 2, 2], {}),
    layer('actnorm', 'flow.level0.3.actnorm', [4, 2, 2], [4, 2, 2], { dataInit: true }),
    layer('invconv1x1', 'flow.level0.4.invconv1x1', [4, 2, 2], [4, 2, 2], { lu: true }),
    layer('split', 'flow.level0.5.split', [4, 2, 2], [2, 2, 2], { prior: 'fixed' }),
  ];
  return {
    version: 1,
    model: 'TinyGlow',
    family: 'flow',
    data: { name: 'x', domain: { kind: 'discrete', K: 256 }, shape: [1, 4, 4] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    flow,
    train,
    totals,
  };
}

export function pixelCnnIR(): FlowIR {
  const conv = (mask: 'A' | 'B' | 'none', kernel: number, channels: number, activation: string) => ({
    mask,
    kernel,
    channels,
    activation,
    residual: false,
  });
  return {
    version: 1,
    model: 'PixelCnnBinary',
    family: 'autoregressive',
    data: { name: 'x', domain: { kind: 'binary' }, shape: [1, 28, 28] },
    order: Array.from({ length: 784 }, (_, i) => i),
    conditional: {
      kind: 'pixelcnn',
      layers: [
        conv('A', 7, 32, 'relu'),
        ...Array.from({ length: 5 }, () => conv('B', 3, 32, 'relu')),
        conv('none', 1, 1, 'none'),
      ],
    },
    likelihood: { kind: 'bernoulli' },
    train,
    totals,
  };
}

export function madeIR(): FlowIR {
  return {
    version: 1,
    model: 'MadeMnist',
    family: 'autoregressive',
    data: { name: 'x', domain: { kind: 'binary' }, shape: [784] },
    order: Array.from({ length: 784 }, (_, i) => 783 - i),
    conditional: { kind: 'made', hidden: [500, 500], activation: 'relu', masks: [], ensemble: 1 },
    likelihood: { kind: 'bernoulli' },
    train,
    totals,
  };
}

export function planarVaeIR(): FlowIR {
  const post = Array.from({ length: 4 }, (_, k) =>
    layer('planar', `posterior.${k}.planar`, [40], [40], { activation: 'tanh', inverse: 'none' }),
  );
  return {
    version: 1,
    model: 'PlanarVae',
    family: 'vae',
    data: { name: 'x', domain: { kind: 'binary' }, shape: [784] },
    latent: { name: 'z', domain: { kind: 'real' }, shape: [40] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    encoder: mlp([400, 400]),
    decoder: mlp([400, 400]),
    posterior: { amortized: true, flow: post },
    likelihood: { kind: 'bernoulli' },
    train,
    totals,
  };
}

export function planarEnergyIR(): FlowIR {
  const flow = Array.from({ length: 16 }, (_, k) =>
    layer('planar', `flow.${k}.planar`, [2], [2], { activation: 'tanh', inverse: 'none' }),
  );
  return {
    version: 1,
    model: 'RingU1',
    family: 'energy',
    target: { kind: 'energy', name: 'u1' },
    data: { name: 'z', domain: { kind: 'real' }, shape: [2] },
    latent: { name: 'z', domain: { kind: 'real' }, shape: [2] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    flow,
    train,
    totals,
  };
}

export function planarDensityIR(): FlowIR {
  const flow = [
    layer('planar', 'flow.0.planar', [2], [2], { activation: 'tanh', inverse: 'iterative' }),
    layer('iaf', 'flow.1.iaf', [2], [2], {
      order: [0, 1],
      net: { kind: 'made', hidden: [8], activation: 'relu', masks: [], zeroInitLast: true },
    }),
  ];
  return { ...twoMoonsIR(), model: 'PlanarDensity', flow };
}
