// Independent oracles for runtime tests: autodiff Jacobians (row by row), determinants by
// Gaussian elimination in float64, parameter perturbation.
import { afterAll, beforeAll, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import type { FlowModel } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { withConfig } from '../../runtime/config.js';

/** log|det| of a square matrix (float64 Gaussian elimination with partial pivoting) */
export function logAbsDet(J: number[][]): number {
  const n = J.length;
  const A = J.map((r) => Float64Array.from(r));
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i][k]) > Math.abs(A[p][k])) p = i;
    [A[k], A[p]] = [A[p], A[k]];
    const d = A[k][k];
    s += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = A[i][k] / d;
      for (let j = k; j < n; j++) A[i][j] -= f * A[k][j];
    }
  }
  return s;
}

/** Jacobian of f at x (one example, any shape), rows = flattened outputs, by tf.grad per row */
export function jacobian(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number[][] {
  const out = tf.tidy(() => f(x));
  const m = out.size;
  out.dispose();
  const rows: number[][] = [];
  for (let i = 0; i < m; i++) {
    const g = tf.tidy(() =>
      tf.grad((xx: tf.Tensor) => {
        const y = tf.reshape(f(xx), [-1]);
        return tf.sum(tf.mul(y, tf.cast(tf.oneHot(i, m), 'float32')));
      })(x),
    );
    rows.push(Array.from(g.dataSync()));
    g.dispose();
  }
  return rows;
}

/** adds N(0, scale²) noise to every trainable variable (so zero-initialised nets do something) */
export function perturb(model: FlowModel, scale: number, seed = 7): void {
  const rng = new Rng(seed);
  for (const v of model.variables) {
    if (!v.trainable) continue;
    tf.tidy(() => v.assign(tf.add(v, rng.normalTensor(v.shape, 0, scale))));
  }
}

export function randn(shape: number[], seed: number, std = 1): tf.Tensor {
  return new Rng(seed).normalTensor(shape, 0, std);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Starts the wasm backend before the file's tests (whatever the backend setting says; it must start:
 * wasm is a dependency) and switches back to cpu after them.
 */
export function useWasmBackend(): void {
  beforeAll(async () => {
    expect(await withConfig({ backend: 'auto' }, () => initBackend('wasm'))).toBe('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}
