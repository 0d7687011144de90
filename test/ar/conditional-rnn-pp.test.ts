// Conditional PixelRNN (Row LSTM, Diagonal BiLSTM) and PixelCNN++, p(x | y) (`condition y: …`). Oracles:
//  - Σ_x p(x | y) = 1 over every configuration of a tiny image, for every y (exact enumeration), after a
//    training step that moves the context weights; different y, different p;
//  - sampling under a context draws from p(· | y) (Row LSTM: the cached sampler equals naive passes);
//  - the compiler's parameter count is the runtime's (context weights included); a missing context is an error.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import { contextOf } from '../../runtime/condition.js';
import { createTrainer } from '../../runtime/train-step.js';
import type { FlowModel } from '../../runtime/model.js';
import { allConfigs } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function compile(text: string): FlowIR {
  const r = compileSource(text, 'c.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return r.ir!;
}

const spec = (data: string, cond: string, lik: string, y = 'categorical(3)') =>
  `model C {\n  data x: ${data}\n  condition y: ${y}\n  conditional ${cond}\n  likelihood ${lik}\n}`;

const CASES = [
  [
    'row_lstm on binary[1, 2, 2]',
    spec('binary[1, 2, 2]', 'pixelrnn(cell: row_lstm, layers: 2, hidden: 3)', 'bernoulli'),
    2,
    '/pixelrnn/layer1.is/context',
  ],
  [
    'diagonal_bilstm on categorical(3)[1, 2, 2], real condition',
    spec('categorical(3)[1, 2, 2]', 'pixelrnn(cell: diagonal_bilstm, layers: 1, hidden: 3)', 'categorical', 'real[2]'),
    3,
    '/pixelrnn/layer0.right.is/context',
  ],
  [
    'diagonal_bilstm on binary[1, 2, 3]',
    spec('binary[1, 2, 3]', 'pixelrnn(cell: diagonal_bilstm, layers: 2, hidden: 2)', 'bernoulli'),
    2,
    '/pixelrnn/layer0.left.is/context',
  ],
  [
    'pixelcnnpp on binary[1, 2, 2]',
    spec('binary[1, 2, 2]', 'pixelcnnpp(filters: 4, resnets: 1, scales: 2, dropout: 0)', 'bernoulli'),
    2,
    '/pixelcnnpp/n5/context',
  ],
  [
    'pixelcnnpp on discrete(3)[1, 2, 2] (logistic mixture), real condition',
    spec(
      'discrete(3)[1, 2, 2]',
      'pixelcnnpp(filters: 3, resnets: 1, scales: 1, dropout: 0)',
      'logistic_mixture(k: 2)',
      'real[2]',
    ),
    3,
    '/context',
  ],
] as const;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('conditional PixelRNN and PixelCNN++: Σ_x p(x | y) = 1 for every y', () => {
  for (const [name, text, K, ctxVar] of CASES) {
    it(name, () => {
      const ir = compile(text);
      const real = ir.condition!.domain.kind === 'real';
      const ys: number[][] = real
        ? [
            [0, 0],
            [1.5, -2],
            [-1, 0.5],
          ]
        : [[0], [1], [2]];
      const model = build(ir);
      // the compiler counts the context weights the runtime builds
      expect(model.variables.reduce((a, v) => a + size(v.shape), 0)).toBe(ir.totals.params);
      const D = size(ir.data.shape);
      const all = allConfigs(D, K);
      const n = all.length / D;
      const m = Math.min(n, 6);
      const x = tf.tensor2d(all.subarray(0, m * D), [m, D]);
      const c = contextOf(ir, Array.from({ length: m }, (_, i) => ys[i % ys.length]!).flat(), m);
      const w = model.variables.find((v) => v.name.includes(ctxVar))!;
      expect(w).toBeDefined();
      const before = Array.from(w.dataSync());
      const trainer = createTrainer(model, { lr: 3e-2 });
      for (let s = 0; s < 3; s++) expect(Number.isFinite(trainer.step(x, c))).toBe(true);
      trainer.dispose();
      expect(Array.from(w.dataSync())).not.toEqual(before);
      tf.dispose([x, c]);
      const per = ys.map((y) => {
        const ctx = contextOf(ir, new Array<number[]>(n).fill(y).flat(), n);
        const lp = tf.tidy(() => model.logProb(tf.tensor(all, [n, ...ir.data.shape]), ctx));
        const v = Array.from(lp.dataSync());
        tf.dispose([lp, ctx]);
        return v;
      });
      for (const lp of per) expect(Math.abs(lp.reduce((a, b) => a + Math.exp(b), 0) - 1)).toBeLessThan(1e-5);
      const diff = Math.max(...per[0]!.map((v, i) => Math.abs(v - per[1]![i]!)));
      expect(diff).toBeGreaterThan(1e-3);
      // a conditioned model without its context is an error naming the context size
      expect(() => model.logProb(tf.zeros([2, ...ir.data.shape]))).toThrow(
        /conditioned on \d context entries; got none/,
      );
      model.dispose();
    });
  }
});

/** the empirical distribution of n samples drawn under class y: counts per configuration (binary, D bits) */
function counts(model: FlowModel, ir: FlowIR, y: number, n: number, fast: boolean): number[] {
  const ctx = contextOf(ir, new Array<number>(n).fill(y), n);
  const m = model as FlowModel & { sampleNaive(n: number, o: object): tf.Tensor };
  const s = fast ? model.sample(n, { seed: 5, context: ctx }) : m.sampleNaive(n, { seed: 5, context: ctx });
  const v = s.dataSync();
  const D = size(ir.data.shape);
  const out = new Array<number>(2 ** D).fill(0);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let d = 0; d < D; d++) k = k * 2 + v[i * D + d]!;
    out[k]!++;
  }
  tf.dispose([s, ctx]);
  return out;
}

describe('sampling under a context', () => {
  it('row_lstm: the cached sampler equals naive passes, and draws follow p(x | y)', () => {
    const ir = compile(CASES[0][1]);
    const model = build(ir);
    const D = size(ir.data.shape);
    const ctx = contextOf(ir, [0, 1, 2, 2, 1, 0], 6);
    const m = model as FlowModel & { sampleNaive(n: number, o: object): tf.Tensor };
    const a = model.sample(6, { seed: 3, context: ctx });
    const b = m.sampleNaive(6, { seed: 3, context: ctx });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b, ctx]);
    // frequencies of 4000 draws under y = 2 against the exact p(x | y = 2) (total variation)
    const n = 2000;
    const emp = counts(model, ir, 2, n, true);
    const all = allConfigs(D, 2);
    const ctx2 = contextOf(ir, new Array<number>(all.length / D).fill(2), all.length / D);
    const p = Array.from(model.logProb(tf.tensor(all, [all.length / D, ...ir.data.shape]), ctx2).dataSync());
    let tv = 0;
    p.forEach((lp, k) => {
      // allConfigs enumerates dimension 0 fastest or slowest: index k by its bits
      const bits = all.subarray(k * D, (k + 1) * D);
      let idx = 0;
      for (let d = 0; d < D; d++) idx = idx * 2 + bits[d]!;
      tv += Math.abs(Math.exp(lp) - emp[idx]! / n) / 2;
    });
    expect(tv).toBeLessThan(0.06);
    ctx2.dispose();
    model.dispose();
  });

  it('pixelcnnpp: draws under y = 1 follow p(x | y = 1)', () => {
    const ir = compile(CASES[3][1]);
    const model = build(ir);
    const n = 800;
    const D = size(ir.data.shape);
    const emp = counts(model, ir, 1, n, true);
    const all = allConfigs(D, 2);
    const N = all.length / D;
    const ctx = contextOf(ir, new Array<number>(N).fill(1), N);
    const p = Array.from(model.logProb(tf.tensor(all, [N, ...ir.data.shape]), ctx).dataSync());
    let tv = 0;
    p.forEach((lp, k) => {
      const bits = all.subarray(k * D, (k + 1) * D);
      let idx = 0;
      for (let d = 0; d < D; d++) idx = idx * 2 + bits[d]!;
      tv += Math.abs(Math.exp(lp) - emp[idx]! / n) / 2;
    });
    expect(tv).toBeLessThan(0.1);
    ctx.dispose();
    model.dispose();
  });
});
