// Conditional Gated PixelCNN, PixelCNN and NADE, p(x | y) (`condition y: …`). Oracles:
//  - Σ_x p(x | y) = 1 over every configuration of a tiny binary image / categorical vector, for every y
//    (exact enumeration), after a training step that moves the context weights; different y, different p;
//  - fast (cached) sampling equals naive sampling under a context; a missing context is an error;
//  - what still cannot take a condition (a flow of context-free layers, an energy fit) is FC513 (the
//    conditional VAE: test/vae/conditional*.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import { contextOf } from '../../runtime/condition.js';
import { createTrainer } from '../../runtime/train-step.js';
import type { ArModel } from '../../runtime/ar/model.js';
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
    'gated_pixelcnn on binary[1, 2, 2]',
    spec('binary[1, 2, 2]', 'gated_pixelcnn(layers: 2, channels: 4, kernel: 3)', 'bernoulli'),
    2,
    '/gated/0/cond_v',
  ],
  [
    'gated_pixelcnn on categorical(3)[1, 2, 2]',
    spec('categorical(3)[1, 2, 2]', 'gated_pixelcnn(layers: 1, channels: 3, kernel: 3)', 'categorical'),
    3,
    '/gated/0/cond_h',
  ],
  [
    'pixelcnn on binary[1, 2, 2] (label as a bias per layer)',
    spec(
      'binary[1, 2, 2]',
      'pixelcnn {\n    conv(mask: A, kernel: 3, channels: 4, activation: relu)\n' +
        '    conv(mask: B, kernel: 1, channels: 1)\n  }',
      'bernoulli',
    ),
    2,
    '/pixelcnn/0/context',
  ],
  [
    'pixelcnn on categorical(3)[1, 2, 2], real condition',
    spec(
      'categorical(3)[1, 2, 2]',
      'pixelcnn {\n    conv(mask: A, kernel: 3, channels: 4, activation: tanh)\n' +
        '    conv(mask: B, kernel: 1, channels: 5, ' +
        'activation: relu, residual: true)\n  }',
      'categorical',
      'real[2]',
    ),
    3,
    '/pixelcnn/1/context',
  ],
  ['nade on categorical(3)[3]', spec('categorical(3)[3]', 'nade(hidden: 6)', 'categorical'), 3, '/nade/context'],
  [
    'nade on binary[4], real condition',
    spec('binary[4]', 'nade(hidden: 5)', 'bernoulli', 'real[2]'),
    2,
    '/nade/context',
  ],
] as const;

describe('conditional Gated PixelCNN and NADE: Σ_x p(x | y) = 1 for every y', () => {
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
      const D = ir.data.shape.reduce((a, b) => a * b, 1);
      const all = allConfigs(D, K);
      const n = all.length / D;
      // one training step with a context moves the context weights (the condition reaches the loss)
      const m = Math.min(n, 6);
      const x = tf.tensor2d(all.subarray(0, m * D), [m, D]);
      const vals = Array.from({ length: m }, (_, i) => ys[i % ys.length]!).flat();
      const c = contextOf(ir, vals, m);
      const w = model.variables.find((v) => v.name.includes(ctxVar))!;
      expect(w).toBeDefined();
      const before = Array.from(w.dataSync());
      const trainer = createTrainer(model, { lr: 1e-2 });
      expect(Number.isFinite(trainer.step(x, c))).toBe(true);
      trainer.dispose();
      expect(Array.from(w.dataSync())).not.toEqual(before);
      tf.dispose([x, c]);
      const per = ys.map((y) => {
        const ctx = contextOf(ir, new Array<number[]>(n).fill(y).flat(), n);
        const lp = tf.tidy(() => model.logProb(tf.tensor2d(all, [n, D]), ctx));
        const v = Array.from(lp.dataSync());
        tf.dispose([lp, ctx]);
        return v;
      });
      for (const lp of per) expect(Math.abs(lp.reduce((a, b) => a + Math.exp(b), 0) - 1)).toBeLessThan(1e-5);
      const diff = Math.max(...per[0]!.map((v, i) => Math.abs(v - per[1]![i]!)));
      expect(diff).toBeGreaterThan(1e-3);
      model.dispose();
    });
  }

  for (const [name, text] of [CASES[0], CASES[2], CASES[4]]) {
    it(`${name}: fast and naive sampling agree under a context; a missing context is refused`, () => {
      const ir = compile(text);
      const model = build(ir) as unknown as ArModel;
      const ctx = contextOf(ir, [0, 1, 2, 2, 1, 0], 6);
      const a = model.sample(6, { seed: 3, context: ctx });
      const b = model.sampleNaive(6, { seed: 3, context: ctx });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      const D = ir.data.shape.reduce((p, q) => p * q, 1);
      expect(() => model.logProb(tf.zeros([2, D]))).toThrow(/conditioned on 3 context entries; got none/);
      tf.dispose([a, b, ctx]);
      model.dispose();
    });
  }
});

describe('models that still cannot take a condition are refused (FC513)', () => {
  it('a flow whose layers take no context names the layers that do', () => {
    const text =
      'model F {\n  data x: real[2]\n  condition y: categorical(3)\n  prior normal(0, 1)\n' +
      '  flow {\n    planar()\n    actnorm()\n  }\n}';
    const e = compileSource(text, 'c.flow').diagnostics.filter((d) => d.code === 'FC513');
    expect(e.length).toBe(1);
    expect(e[0]!.message).toMatch(/a flow without a coupling or maf layer cannot take a condition/);
    expect(JSON.stringify(e[0])).toContain('`maf`');
  });

  it('an energy fit says why (no conditional target)', () => {
    const text =
      'model E {\n  latent z: real[2]\n  condition y: categorical(3)\n  prior normal(0, 1)\n' +
      '  flow {\n    planar()\n  }\n  target energy(u1)\n}';
    const e = compileSource(text, 'c.flow').diagnostics.filter((d) => d.code === 'FC513');
    expect(e.map((d) => d.message).join('\n')).toMatch(/an energy fit cannot take a condition.*no conditional target/);
  });
});
