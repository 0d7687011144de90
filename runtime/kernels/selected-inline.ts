// Kernels whose fast code is still selected where it runs (MADE's layers, NADE's pass, the Bernoulli
// loss, PixelCNN's masked convs, the energy model's targets and planar/radial runs, mlp stacks): they
// register here so the plan names them, and the code that runs them asks the planner
// (`kernelOn('nade:fused')`), not the configuration or the backend's name. Each keeps its test against
// the plain path (test/runtime/kernels-vs-plain.test.ts and the files named per kernel).
import { normAct } from '../ar/common.js';
import { fusableActivation } from './fused/dense.js';
import { registerKernel, type PlanUnit } from '../plan/registry.js';
import { staircaseAvailable, staircaseBlocks } from './fused/staircase-dense.js';
import { nadeSimdKernels } from '../ar/nade-simd.js';
import { bernoulliFusedAvailable } from './fused/bernoulli-loss.js';

const madeAct = (u: PlanUnit) => (u.ir?.conditional?.kind === 'made' ? normAct(u.ir.conditional.activation) : 'none');
const reluOrLinear = (u: PlanUnit): true | string => {
  const a = madeAct(u);
  return a === 'relu' || a === 'none' || `activation ${a} (needs relu or none)`;
};

registerKernel({
  name: 'fused-masked-dense',
  kind: 'made',
  backends: 'any',
  settings: ['madeFused'],
  doc: 'each MADE layer one tape node on transposed activations (kernels/fused/masked-dense.ts)',
  applies: reluOrLinear,
});
registerKernel({
  name: 'staircase',
  kind: 'made',
  backends: ['wasm'],
  settings: ['madeFused'],
  doc: 'MADE layers as staircase blocks skipping the zero parts of sorted masks (kernels/fused/staircase-dense.ts)',
  when: () =>
    staircaseBlocks() <= 1 ? 'madeBlocks ≤ 1' : staircaseAvailable() || 'wasm SIMD block kernels unavailable',
  applies: reluOrLinear,
});
registerKernel({
  name: 'fused',
  kind: 'nade',
  backends: ['wasm', 'cpu'],
  settings: ['fuse', 'nadeFused'],
  doc: "NADE's teacher-forced pass as one host op with an O(D·H) backward (ar/nade-fused.ts)",
  applies: () => true,
});
registerKernel({
  name: 'simd',
  kind: 'nade',
  backends: ['wasm'],
  settings: ['fuse', 'nadeFused', 'nadeSimd'],
  doc: "the fused NADE pass's rows in wasm SIMD (ar/nade-simd.ts)",
  when: () => nadeSimdKernels() !== null || 'wasm SIMD unavailable',
  applies: (u) => u.ir?.likelihood?.kind === 'bernoulli' || 'more than one parameter per dimension',
});
registerKernel({
  name: 'fused-bernoulli',
  kind: 'likelihood',
  backends: ['wasm'],
  settings: ['fuse', 'bernoulliFused'],
  doc: 'Bernoulli log-likelihood as one wasm SIMD pass (kernels/fused/bernoulli-loss.ts)',
  when: () => bernoulliFusedAvailable() || 'wasm SIMD unavailable',
  applies: (u) => u.ir?.likelihood?.kind === 'bernoulli' || `likelihood ${u.ir?.likelihood?.kind ?? 'none'}`,
});
const cropped = {
  name: 'cropped-conv',
  backends: 'any',
  doc: 'masked conv as a cropped custom-gradient op (ar/masked-conv.ts)',
  when: (c: { config: { maskedConv: string } }) => c.config.maskedConv !== 'plain' || 'maskedConv=plain',
  applies: () => true as const,
} as const;
registerKernel({ ...cropped, kind: 'pixelcnn' });
registerKernel({ ...cropped, kind: 'resnet' });
registerKernel({
  name: 'fused-target',
  kind: 'energy',
  backends: ['wasm', 'cpu'],
  settings: ['fuse'],
  doc: 'the energies U1–U4 and the reverse-KL loss as host ops (energy/fused-targets.ts)',
  applies: () => true,
});
for (const kind of ['planar', 'radial']) {
  registerKernel({
    name: 'fused-chain',
    kind,
    backends: ['wasm', 'cpu'],
    settings: ['fuse'],
    doc: 'runs of planar/radial layers in the sampling direction as one host op (bijectors/planar-chain.ts)',
    applies: (u) => u.ir?.family === 'energy' || 'only energy models sample through chains',
  });
}
registerKernel({
  name: 'fused-dense',
  kind: 'mlp',
  backends: ['wasm', 'cpu'],
  settings: ['fuse'],
  doc: 'an mlp stack on vectors as one host op (kernels/fused/dense.ts)',
  applies: (u) => {
    const net = u.net;
    return (net?.kind === 'mlp' && fusableActivation(net.activation)) || 'activation not fusable';
  },
});
