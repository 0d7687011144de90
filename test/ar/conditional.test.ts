// Conditional models p(x | y) (`condition y: …`), compiled from spec text. Oracles:
//  - a conditional MADE sums to 1 over all configurations for every value of y (exact enumeration),
//    also when order/connectivity-agnostic; different labels give different distributions;
//  - a conditional RealNVP on 2-D data integrates to 1 for every y (numerical integration on a grid);
//  - fast sampling equals naive sampling under a context; a missing or wrong context is an error.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import { contextOf } from '../../runtime/condition.js';
import { createTrainer } from '../../runtime/train-step.js';
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

const madeSpec = (made: string, data = 'categorical(3)[3]', lik = 'categorical') =>
  `model C {\n  data x: ${data}\n  condition y: categorical(4)\n  conditional made(${made})\n  likelihood ${lik}\n}`;

/** Σ_x p(x | y) over every configuration, and the log-probabilities, for label y */
function totalFor(model: ReturnType<typeof build>, ir: FlowIR, K: number, y: number): { sum: number; lp: number[] } {
  const D = ir.data.shape.reduce((a, b) => a * b, 1);
  const xs = allConfigs(D, K);
  const n = xs.length / D;
  const ctx = contextOf(ir, new Array<number>(n).fill(y), n);
  const lp = tf.tidy(() => model.logProb(tf.tensor2d(xs, [n, D]), ctx));
  const v = Array.from(lp.dataSync());
  tf.dispose([lp, ctx]);
  return { sum: v.reduce((a, b) => a + Math.exp(b), 0), lp: v };
}

describe('conditional MADE: Σ_x p(x | y) = 1 for every y', () => {
  for (const [name, made, data, lik, K] of [
    ['categorical(3)[3]', 'hidden: [12, 12]', 'categorical(3)[3]', 'categorical', 3],
    [
      'binary[5], agnostic with direct',
      'hidden: [10], orders: 3, ensemble: 3, direct: true',
      'binary[5]',
      'bernoulli',
      2,
    ],
  ] as const) {
    it(name, () => {
      const ir = compile(madeSpec(made, data, lik));
      expect(ir.condition).toMatchObject({ name: 'y', size: 4 });
      const model = build(ir);
      // a training step with labels moves the context weights too (the context reaches the loss)
      const D = ir.data.shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor2d(allConfigs(D, K).subarray(0, 8 * D), [8, D]);
      const ctx = contextOf(ir, [0, 1, 2, 3, 0, 1, 2, 3], 8);
      const w = model.variables.find((v) => v.name.includes('/made/context'))!;
      const before = Array.from(w.dataSync());
      const trainer = createTrainer(model, { lr: 1e-2 });
      expect(Number.isFinite(trainer.step(x, ctx))).toBe(true);
      trainer.dispose();
      expect(Array.from(w.dataSync())).not.toEqual(before);
      tf.dispose([x, ctx]);
      const per = [0, 1, 2, 3].map((y) => totalFor(model, ir, K, y));
      for (const p of per) expect(Math.abs(p.sum - 1)).toBeLessThan(1e-5);
      const diff = Math.max(...per[0]!.lp.map((v, i) => Math.abs(v - per[3]!.lp[i]!)));
      expect(diff).toBeGreaterThan(1e-3);
      model.dispose();
    });
  }

  it('samples the same under a context with the fast and the naive sampler; refuses a missing context', () => {
    const ir = compile(madeSpec('hidden: [8]'));
    const model = build(ir) as import('../../runtime/ar/model.js').ArModel;
    const ctx = contextOf(ir, [0, 1, 2, 3, 3, 2], 6);
    const a = model.sample(6, { seed: 2, context: ctx });
    const b = model.sampleNaive(6, { seed: 2, context: ctx });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(() => model.logProb(tf.zeros([2, 3]))).toThrow(/conditioned on 4 context entries/);
    expect(() => contextOf(ir, [5], 1)).toThrow(/label 5 of example 0 is not a class 0..3/);
    tf.dispose([a, b, ctx]);
    model.dispose();
  });
});

describe('conditional RealNVP: ∫ p(x | y) dx = 1 for every y (grid integration)', () => {
  it('two labels, two couplings', () => {
    const ir = compile(`model F {
  data x: real[2]
  condition y: categorical(2)
  prior normal
  flow { repeat 2 { coupling(affine, mask: alternate, flip: true, net: mlp(16), scale: tanh) } }
}`);
    const model = build(ir);
    // the couplings start as the identity (zero last layer): train a few steps so the context matters
    const trainer = createTrainer(model, { lr: 5e-2 });
    for (let k = 0; k < 20; k++) {
      const x = tf.tidy(() =>
        tf.concat([
          tf.add(tf.randomNormal([16, 2], 0, 0.5, 'float32', k), 1.5),
          tf.sub(tf.randomNormal([16, 2], 0, 0.5, 'float32', k + 100), 1.5),
        ]),
      );
      const ctx = contextOf(ir, [...new Array(16).fill(0), ...new Array(16).fill(1)], 32);
      trainer.step(x, ctx);
      tf.dispose([x, ctx]);
    }
    trainer.dispose();
    const G = 161,
      lo = -8,
      h = 16 / (G - 1);
    const pts = new Float32Array(G * G * 2);
    for (let i = 0; i < G; i++)
      for (let j = 0; j < G; j++) {
        pts[(i * G + j) * 2] = lo + i * h;
        pts[(i * G + j) * 2 + 1] = lo + j * h;
      }
    const means: number[] = [];
    for (const y of [0, 1]) {
      const ctx = contextOf(ir, new Array(G * G).fill(y), G * G);
      const lp = tf.tidy(() => model.logProb(tf.tensor2d(pts, [G * G, 2]), ctx));
      const v = lp.dataSync();
      let sum = 0,
        mx = 0;
      for (let i = 0; i < v.length; i++) {
        const p = Math.exp(v[i]!);
        sum += p;
        mx += p * pts[i * 2]!;
      }
      expect(Math.abs(sum * h * h - 1)).toBeLessThan(0.01);
      means.push(mx * h * h);
      tf.dispose([lp, ctx]);
    }
    // the two labels' densities moved towards their own clusters (+1.5 and −1.5)
    expect(means[0]!).toBeGreaterThan(means[1]! + 0.5);
    model.dispose();
  });
});
