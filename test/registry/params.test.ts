// Parameter counts against the bench workloads' published figures (shared/bench/WORKLOADS.md),
// each also recomputed here from the workload's own layer list by hand formulas.
import { describe, expect, it } from 'vitest';
import {
  conditionalOf,
  conditionalParams,
  countParams,
  likelihoodOutputs,
  lookup,
} from '../../compiler/registry/index.js';
import type { ResolvedArgs, Shape } from '../../compiler/registry/types.js';
import { call, channelHalves, checkerboard, flowArgs } from './support.js';

const denseP = (i: number, o: number) => i * o + o;
const convP = (k: number, i: number, o: number) => k * k * i * o + o;
const flowParams = (kind: string, input: Shape, args: ResolvedArgs) =>
  countParams(lookup(kind, 'flow')!.params!(input, args));

describe('W1: RealNVP-2D, 8 affine couplings with mlp(64, 64) on D = 2', () => {
  const byHand = 8 * (denseP(2, 64) + denseP(64, 64) + denseP(64, 4));
  it('matches the published 36,896 and the hand count', () => {
    expect(byHand).toBe(36896);
    let total = 0;
    for (let l = 0; l < 8; l++) {
      const mask = l % 2 === 0 ? [1, 0] : [0, 1];
      total += flowParams(
        'coupling',
        [2],
        flowArgs('coupling', {
          type: 'affine',
          mask,
          maskKind: 'alternate',
          net: call('mlp', 'net', { hidden: [64, 64] }),
          scale: 'tanh',
        }),
      );
    }
    expect(total).toBe(36896);
  });
  it('gives the conditioner the shapes Dense(2→64), Dense(64→64), Dense(64→4) with a zero last layer', () => {
    const ps = lookup('coupling', 'flow')!.params!(
      [2],
      flowArgs('coupling', { mask: [1, 0], net: call('mlp', 'net', { hidden: [64, 64] }) }),
    );
    expect(ps.filter((p) => p.shape.length === 2).map((p) => p.shape)).toEqual([
      [2, 64],
      [64, 64],
      [64, 4],
    ]);
    expect(ps.slice(-2).map((p) => p.init)).toEqual(['zeros', 'zeros']);
    expect(ps[0]!.init).toBe('uniform-fan-in');
  });
  it('additive couplings emit D values, not 2·D (the count would catch a mix-up)', () => {
    const add = flowParams(
      'coupling',
      [2],
      flowArgs('coupling', { type: 'additive', mask: [1, 0], net: call('mlp', 'net', { hidden: [64, 64] }) }),
    );
    expect(add).toBe(denseP(2, 64) + denseP(64, 64) + denseP(64, 2));
  });
  it('also reads the FlowIR form of the args (NetIR + resolved mask)', () => {
    const ir = {
      type: 'affine',
      mask: [1, 0],
      maskKind: 'alternate',
      scale: 'tanh',
      net: { kind: 'mlp', hidden: [64, 64], activation: 'relu', zeroInitLast: true },
    };
    expect(flowParams('coupling', [2], ir)).toBe(byHand / 8);
  });
});

describe('W3: multi-scale RealNVP on MNIST, 10 couplings with the ResNet conditioner', () => {
  // ResNet(C_in → C_out): Conv(C_in→32); 2 × [Conv(32→32), Conv(32→32)]; Conv(32→C_out); all 3×3 with bias
  const resnetP = (cin: number, cout: number) => convP(3, cin, 32) + 4 * convP(3, 32, 32) + convP(3, 32, cout);
  const byHand = 3 * resnetP(1, 2) + 3 * resnetP(2, 4) + 4 * resnetP(2, 4);
  const resnet = call('resnet', 'net', { blocks: 2, channels: 32, kernel: 3 });
  const layers: [Shape, number[], string][] = [
    ...[0, 1, 0].map((p): [Shape, number[], string] => [[1, 28, 28], checkerboard(1, 28, 28, p), 'checkerboard']),
    ...[true, false, true].map((f): [Shape, number[], string] => [[4, 14, 14], channelHalves(4, 196, f), 'channel']),
    ...[0, 1, 0, 1].map((p): [Shape, number[], string] => [[2, 14, 14], checkerboard(2, 14, 14, p), 'checkerboard']),
  ];
  it('matches the published 384,962 and the hand count, with 60 convs', () => {
    expect(byHand).toBe(384962);
    let total = 0;
    let convs = 0;
    for (const [shape, mask, maskKind] of layers) {
      const ps = lookup('coupling', 'flow')!.params!(shape, flowArgs('coupling', { mask, maskKind, net: resnet }));
      total += countParams(ps);
      convs += ps.filter((p) => p.shape.length === 4).length;
    }
    expect(total).toBe(384962);
    expect(convs).toBe(60);
  });
  it('squeeze and split add no parameters; a channel coupling reads only the pass-through channels', () => {
    expect(flowParams('squeeze', [1, 28, 28], {})).toBe(0);
    expect(flowParams('split', [4, 14, 14], flowArgs('split', {}))).toBe(0);
    const ps = lookup('coupling', 'flow')!.params!(
      [4, 14, 14],
      flowArgs('coupling', { mask: channelHalves(4, 196, true), maskKind: 'channel', net: resnet }),
    );
    expect(ps[0]!.shape).toEqual([3, 3, 2, 32]);
    expect(ps[ps.length - 2]!.shape).toEqual([3, 3, 32, 4]);
  });
});

describe('W2: MADE 784 → 500 → 500 → 784 on binarized MNIST', () => {
  const byHand = denseP(784, 500) + denseP(500, 500) + denseP(500, 784);
  it('matches the published 1,035,784 and the hand count (masked entries included)', () => {
    expect(byHand).toBe(1035784);
    const made = call('made', 'conditional', { hidden: [500, 500] });
    expect(countParams(lookup('made', 'conditional')!.params!([784], made.args))).toBe(1035784);
    expect(conditionalParams(conditionalOf(made)!, [784], likelihoodOutputs('bernoulli'))).toBe(1035784);
    // the ConditionalIR form
    expect(
      conditionalParams(
        conditionalOf({ kind: 'made', hidden: [500, 500], activation: 'relu', masks: [], ensemble: 1 })!,
        [784],
        1,
      ),
    ).toBe(1035784);
  });
  it('scales the output layer with the likelihood (categorical K outputs per pixel)', () => {
    const made = call('made', 'conditional', { hidden: [500, 500] });
    expect(conditionalParams(conditionalOf(made)!, [784], likelihoodOutputs('categorical', 256))).toBe(
      denseP(784, 500) + denseP(500, 500) + denseP(500, 784 * 256),
    );
  });
});

describe('W4: PixelCNN, 7×7 mask A (1→32), 5 × 3×3 mask B (32→32), 1×1 (32→1)', () => {
  const byHand = convP(7, 1, 32) + 5 * convP(3, 32, 32) + convP(1, 32, 1);
  const convs = [
    call('conv', 'ar-layer', { mask: 'A', kernel: 7, channels: 32, activation: 'relu' }),
    ...Array.from({ length: 5 }, () =>
      call('conv', 'ar-layer', { mask: 'B', kernel: 3, channels: 32, activation: 'relu' }),
    ),
    call('conv', 'ar-layer', { mask: 'B', kernel: 1, channels: 1 }),
  ];
  it('matches the published 47,873 and the hand count', () => {
    expect(byHand).toBe(47873);
    const stack = call('pixelcnn', 'conditional', {}, convs);
    expect(conditionalParams(conditionalOf(stack)!, [1, 28, 28])).toBe(47873);
    const ir = { kind: 'pixelcnn', layers: convs.map((c) => c.args) };
    expect(conditionalParams(conditionalOf(ir)!, [1, 28, 28])).toBe(47873);
  });
  it('each conv kind counts its own k·k·Cin·Cout + Cout', () => {
    expect(countParams(lookup('conv', 'ar-layer')!.params!([1, 28, 28], convs[0]!.args))).toBe(convP(7, 1, 32));
  });
});

describe('W5: 16 planar layers on R²', () => {
  it('counts u, w ∈ R² and b ∈ R: 80 parameters', () => {
    let total = 0;
    for (let k = 0; k < 16; k++) total += flowParams('planar', [2], flowArgs('planar', {}));
    expect(total).toBe(16 * (2 + 2 + 1));
    expect(total).toBe(80);
  });
});

describe('other parameterized kinds', () => {
  it('actnorm: 2C; invconv1x1: 2C² + C with LU, C² without; radial: D + 2', () => {
    expect(flowParams('actnorm', [3, 8, 8], flowArgs('actnorm', {}))).toBe(6);
    expect(flowParams('invconv1x1', [12, 4, 4], flowArgs('invconv1x1', {}))).toBe(2 * 144 + 12);
    expect(flowParams('invconv1x1', [12, 4, 4], flowArgs('invconv1x1', { lu: false }))).toBe(144);
    expect(flowParams('radial', [5], flowArgs('radial', {}))).toBe(7);
  });
  it('maf/iaf: a MADE from D to 2·D (μ and α per dimension)', () => {
    const D = 10;
    expect(flowParams('maf', [D], flowArgs('maf', { hidden: [32, 32] }))).toBe(
      denseP(D, 32) + denseP(32, 32) + denseP(32, 2 * D),
    );
    expect(flowParams('iaf', [D], flowArgs('iaf', { hidden: [16] }))).toBe(denseP(D, 16) + denseP(16, 2 * D));
  });
  it('split(conditional) learns a zero-initialized 3×3 conv from the kept half to (μ, log σ) of the other half', () => {
    expect(flowParams('split', [4, 8, 8], flowArgs('split', { prior: 'conditional' }))).toBe(convP(3, 2, 4));
  });
  it(
    'dequantize: uniform none; variational counts its q(u|x) conditioning net (resnet(1, 32) on images, mlp(64) ' +
      'otherwise)',
    () => {
      expect(flowParams('dequantize', [1, 28, 28], flowArgs('dequantize', { type: 'uniform' }))).toBe(0);
      // features: 0 — Conv(1→32); 1 block × 2 Conv(32→32); Conv(32→2·1), all 3×3 with bias
      const v0 = (extra: Record<string, unknown> = {}) =>
        flowArgs('dequantize', { type: 'variational', features: 0, ...extra });
      expect(flowParams('dequantize', [1, 28, 28], v0())).toBe(
        convP(3, 1, 32) + 2 * convP(3, 32, 32) + convP(3, 32, 2),
      );
      expect(convP(3, 1, 32) + 2 * convP(3, 32, 32) + convP(3, 32, 2)).toBe(19394);
      expect(flowParams('dequantize', [3, 8, 8], v0())).toBe(convP(3, 3, 32) + 2 * convP(3, 32, 32) + convP(3, 32, 6));
      expect(flowParams('dequantize', [10], v0())).toBe(denseP(10, 64) + denseP(64, 20));
      // the default context: 16 more output channels (values), the features of x every nested layer reads
      expect(flowParams('dequantize', [1, 28, 28], flowArgs('dequantize', { type: 'variational' }))).toBe(
        convP(3, 1, 32) + 2 * convP(3, 32, 32) + convP(3, 32, 2 + 16),
      );
      expect(flowParams('dequantize', [10], flowArgs('dequantize', { type: 'variational' }))).toBe(
        denseP(10, 64) + denseP(64, 20 + 16),
      );
    },
  );
  it('nade: 2·D·H + H + D for Bernoulli outputs', () => {
    expect(conditionalParams(conditionalOf(call('nade', 'conditional', { hidden: 500 }))!, [784])).toBe(
      2 * 784 * 500 + 500 + 784,
    );
  });
  it('learned priors: normal(learned) 2D, mixture(k) k + 2kD; fixed priors none', () => {
    expect(countParams(lookup('normal', 'prior')!.params!([40], call('normal', 'prior', { learned: true }).args))).toBe(
      80,
    );
    expect(countParams(lookup('normal', 'prior')!.params!([40], call('normal', 'prior').args))).toBe(0);
    expect(countParams(lookup('mixture', 'prior')!.params!([2], call('mixture', 'prior', { k: 8 }).args))).toBe(
      8 + 2 * 8 * 2,
    );
  });
});

describe('documented architectures of gated_pixelcnn and pixelrnn (compiler/registry/conditionals.ts header)', () => {
  const convNB = (kh: number, kw: number, i: number, o: number) => kh * kw * i * o; // no bias
  const convB = (kh: number, kw: number, i: number, o: number) => convNB(kh, kw, i, o) + o;
  it('gated_pixelcnn(layers L, channels h, kernel k) on C channels', () => {
    const [L, h, k, C, o] = [15, 64, 3, 1, 1];
    const kv = 2;
    const layer = (cin: number) =>
      convB(kv, k, cin, 2 * h) + convB(1, kv, cin, 2 * h) + convB(1, 1, 2 * h, 2 * h) + convB(1, 1, h, h);
    const byHand = layer(C) + (L - 1) * layer(h) + convB(1, 1, h, h) + convB(1, 1, h, C * o);
    const g = call('gated_pixelcnn', 'conditional', { layers: L, channels: h, kernel: k });
    expect(conditionalParams(conditionalOf(g)!, [C, 28, 28], o)).toBe(byHand);
  });
  it('pixelrnn row_lstm and diagonal_bilstm', () => {
    const [L, h, C] = [7, 16, 1];
    const io = convB(7, 7, C, 2 * h) + convB(1, 1, 2 * h, 2 * h) + convB(1, 1, 2 * h, C);
    const row = io + L * (convB(1, 3, 2 * h, 4 * h) + convNB(1, 3, h, 4 * h) + convB(1, 1, h, 2 * h));
    const diag = io + L * (2 * (convB(1, 1, 2 * h, 4 * h) + convNB(2, 1, h, 4 * h)) + convB(1, 1, h, 2 * h));
    expect(row).toBe(71457);
    const r = call('pixelrnn', 'conditional', { cell: 'row_lstm', layers: L, hidden: h });
    const d = call('pixelrnn', 'conditional', { cell: 'diagonal_bilstm', layers: L, hidden: h });
    expect(conditionalParams(conditionalOf(r)!, [C, 28, 28])).toBe(row);
    expect(conditionalParams(conditionalOf(d)!, [C, 28, 28])).toBe(diag);
  });
});
