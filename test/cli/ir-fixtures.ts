// Hand-written FlowIR for trainer tests that do not go through the compiler.
import type { FlowIR, LayerIR } from '../../compiler/ir/types.js';

function coupling(i: number, mask: number[]): LayerIR {
  return {
    kind: 'coupling',
    id: `flow.${i}.coupling`,
    inShape: [2],
    outShape: [2],
    args: {
      type: 'affine',
      mask,
      maskKind: 'alternate',
      net: { kind: 'mlp', hidden: [8], activation: 'relu', zeroInitLast: true },
      scale: 'tanh',
    },
    params: [],
    jacobian: 'block-triangular',
    logDet: 'Σ s',
    directions: { density: 'closed', sample: 'closed' },
    at: `tiny.flow:${4 + i}:5`,
  };
}

export function tinyFlowIR(seed = 0): FlowIR {
  return {
    version: 1,
    model: 'TinyFlow',
    family: 'flow',
    data: { name: 'x', domain: { kind: 'real' }, shape: [2] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    flow: [coupling(0, [1, 0]), coupling(1, [0, 1])],
    train: { batch: 32, steps: 6, optimizer: { kind: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed },
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
}
