// The untransposed matmul substitute (runtime/kernels/substitutes/perf-matmul.ts) on wasm gives the cpu
// backend's products and gradients (an independent kernel in plain JS) for every transpose
// combination, batched and fused forms included; and it is the kernel wasm actually runs.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { perfKernels } from '../../runtime/kernels/substitutes/perf-index.js';
import { Rng } from '../../runtime/rng.js';
import { useWasmBackend } from '../runtime/helpers.js';

useWasmBackend();

function on<T>(backend: string, f: () => T): T {
  tf.setBackend(backend);
  return f();
}
const arr = (n: number, seed: number) => new Rng(seed).normalArray(n);
const vals = (t: tf.Tensor) => Array.from(t.dataSync());

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe('untransposed matmul substitute (wasm)', () => {
  it('is registered for BatchMatMul and _FusedMatMul', () => {
    expect(perfKernels).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul']));
  });

  const cases: { a: number[]; b: number[]; tA: boolean; tB: boolean }[] = [
    { a: [7, 5], b: [5, 3], tA: false, tB: false },
    { a: [5, 7], b: [5, 3], tA: true, tB: false },
    { a: [7, 5], b: [3, 5], tA: false, tB: true },
    { a: [5, 7], b: [3, 5], tA: true, tB: true },
    { a: [2, 4, 6], b: [2, 3, 6], tA: false, tB: true },
    { a: [2, 6, 4], b: [1, 6, 3], tA: true, tB: false },
    { a: [33, 130], b: [65, 130], tA: false, tB: true },
  ];
  for (const c of cases) {
    it(`matMul ${JSON.stringify(c.a)}${c.tA ? 'ᵀ' : ''} · ${JSON.stringify(c.b)}${c.tB ? 'ᵀ' : ''} matches cpu`, () => {
      const A = arr(
          c.a.reduce((x, y) => x * y),
          1,
        ),
        B = arr(
          c.b.reduce((x, y) => x * y),
          2,
        );
      const run = () => tf.tidy(() => vals(tf.matMul(tf.tensor(A, c.a), tf.tensor(B, c.b), c.tA, c.tB)));
      expectClose(on('wasm', run), on('cpu', run), 1e-5);
    });
  }

  it('fused matMul + bias + relu with transposes matches cpu, and leaks no tensor data', () => {
    const A = arr(6 * 4, 3),
      B = arr(5 * 6, 4),
      bias = arr(5, 5);
    const run = () =>
      tf.tidy(() =>
        vals(
          tf.fused.matMul({
            a: tf.tensor(A, [6, 4]),
            b: tf.tensor(B, [5, 6]),
            transposeA: true,
            transposeB: true,
            bias: tf.tensor(bias, [5]),
            activation: 'relu',
          }),
        ),
      );
    const ids = () => tf.engine().backend.numDataIds();
    const before = on('wasm', ids);
    const w = on('wasm', run);
    expect(ids()).toBe(before); // the transposed temporaries are released
    expectClose(w, on('cpu', run), 1e-5);
    expect(w.some((v) => v === 0) && w.some((v) => v > 0)).toBe(true); // relu was applied
  });

  it('gradients of a two-layer dense net (masked weights, as MADE) match cpu', () => {
    const X = arr(8 * 10, 6),
      W1 = arr(10 * 12, 7),
      W2 = arr(12 * 10, 8);
    const M1 = Float32Array.from(arr(120, 9), (v) => (v > 0 ? 1 : 0));
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(X, [8, 10]);
        const f = (w1: tf.Tensor, w2: tf.Tensor) => {
          const h = tf.relu(tf.matMul(x, tf.mul(w1, tf.tensor2d(M1, [10, 12]))));
          return tf.sum(tf.square(tf.matMul(h, w2))) as tf.Scalar;
        };
        const g = tf.grads(f)([tf.tensor2d(W1, [10, 12]), tf.tensor2d(W2, [12, 10])]);
        return g.flatMap(vals);
      });
    const w = on('wasm', run),
      c = on('cpu', run);
    expect(c.some((v) => v !== 0)).toBe(true);
    expectClose(w, c, 1e-4);
  });
});
