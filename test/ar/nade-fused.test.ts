// NADE's fused pass (runtime/ar/nade-fused.ts, one host op with a hand-written backward) against
// the plain tensor-op pass (setting nadeFused off, the oracle; same variables from the same seed):
// the same log p(x) and the same gradient of every variable, on cpu and wasm, for a Bernoulli NADE
// (natural order), a categorical one (P = 3, shuffled order) and a Gaussian one on real data
// (non-zero inputs everywhere: no runs of equal pre-activations); the Bernoulli one with its rows in
// WebAssembly SIMD (nade-simd.ts) and in JS; no leaks.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { withConfig, type FlowcConfig } from '../../runtime/config.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';
import { build, natural, type TinySpec } from './helpers.js';
import { sigmoid } from '../../runtime/ar/nade-fused.js';
import { nadeSimdKernels } from '../../runtime/ar/nade-simd.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const D = 7;
const cases: [string, TinySpec, number][] = [
  [
    'bernoulli, natural order',
    {
      domain: { kind: 'binary' },
      shape: [D],
      order: natural(D),
      likelihood: { kind: 'bernoulli' },
      conditional: { kind: 'nade', hidden: 12 },
    },
    2,
  ],
  [
    'categorical K=3, shuffled order',
    {
      domain: { kind: 'categorical', K: 3 },
      shape: [D],
      order: [3, 0, 6, 1, 5, 2, 4],
      likelihood: { kind: 'categorical', K: 3 },
      conditional: { kind: 'nade', hidden: 9 },
    },
    3,
  ],
  [
    'gaussian on real data',
    {
      domain: { kind: 'real' },
      shape: [D],
      order: [6, 5, 4, 3, 2, 1, 0],
      likelihood: { kind: 'gaussian', learnedStd: false },
      conditional: { kind: 'nade', hidden: 8 },
    },
    0,
  ],
];

function lossAndGrads(spec: TinySpec, x: Float32Array, patch: Partial<FlowcConfig>) {
  return withConfig(patch, () => {
    const model = build(spec);
    const xt = tf.tensor2d(x, [x.length / D, D]);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.neg(model.logProb(xt))) as tf.Scalar, model.variables);
    const out = {
      logp: Array.from(tf.tidy(() => model.logProb(xt)).dataSync()),
      grads: model.variables.map((v) => Array.from(grads[v.name]!.dataSync())),
      names: model.variables.map((v) => v.name.replace(/^.*\//, '')),
    };
    tf.dispose([value, xt, ...Object.values(grads)]);
    model.dispose();
    return out;
  });
}

const data = (K: number, n = 9) => {
  const r = new Rng(11);
  return Float32Array.from({ length: n * D }, () => (K === 0 ? r.normal() : Math.floor(r.uniform() * K)));
};

describe('NADE: fused pass = plain pass', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, spec, K] of cases) {
      for (const simd of name.startsWith('bernoulli') ? ['1', '0'] : ['1']) {
        it(`${backend}, ${name}${simd === '0' ? ', JS rows (nadeSimd off)' : ''}`, async () => {
          expect(await initBackend(backend)).toBe(backend);
          const x = data(K);
          const ref = lossAndGrads(spec, x, { nadeFused: false });
          const got = lossAndGrads(spec, x, { nadeSimd: simd === '1' });
          expect(got.names).toEqual(ref.names);
          expect(got.names).toEqual(['W', 'c', 'V', 'b']);
          got.logp.forEach((v, i) => expect(v).toBeCloseTo(ref.logp[i]!, 4));
          got.grads.forEach((g, k) => {
            const scale = Math.max(1e-3, ...ref.grads[k]!.map(Math.abs));
            expect(
              ref.grads[k]!.some((v) => v !== 0),
              got.names[k],
            ).toBe(true);
            g.forEach((v, i) => {
              expect(Math.abs(v - ref.grads[k]![i]!) / scale, `${got.names[k]}[${i}]`).toBeLessThan(1e-5);
            });
          });
        });
      }
    }
  }

  it('a training step leaks no tensors and moves every variable', async () => {
    await initBackend('cpu');
    const model = build(cases[0]![1]);
    const trainer = createTrainer(model, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const x = tf.tensor2d(data(2, 16), [16, D]);
    const before = model.variables.map((v) => Array.from(v.dataSync()));
    trainer.step(x);
    const n = tf.memory().numTensors;
    trainer.step(x);
    expect(tf.memory().numTensors).toBe(n);
    model.variables.forEach((v, k) => expect(Array.from(v.dataSync())).not.toEqual(before[k]));
    x.dispose();
    trainer.dispose();
    model.dispose();
  });
});

describe('NADE SIMD kernels', () => {
  it('load here, and sigmoidRow / dot / axpy agree with plain JS', () => {
    const k = nadeSimdKernels();
    expect(k).not.toBeNull();
    const f = new Float32Array(k!.memory.buffer);
    const a = Float32Array.from({ length: 16 }, (_, i) => (i - 8) * 3.7); // includes ±29.6
    a[15] = 200;
    a[14] = -200; // beyond the clamp
    f.set(a, 0);
    k!.fn.sigmoidRow(64 * 4, 0, 16);
    for (let i = 0; i < 16; i++) expect(f[64 + i]!).toBeCloseTo(1 / (1 + Math.exp(-a[i]!)), 6);
    for (let i = 0; i < 16; i++) expect(Math.abs(f[64 + i]! - sigmoid(a[i]!))).toBeLessThan(1e-7);
    expect(k!.fn.dot(0, 64 * 4, 16)).toBeCloseTo(
      a.reduce((s, v, i) => s + v * f[64 + i]!, 0),
      3,
    );
    k!.fn.axpy(0, 64 * 4, 2, 16);
    for (let i = 0; i < 16; i++) expect(f[i]!).toBeCloseTo(a[i]! + 2 * f[64 + i]!, 4);
  });
});
