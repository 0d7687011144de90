// The fused Bernoulli log-likelihood (runtime/kernels/fused/bernoulli-loss.ts: SIMD exp/log on the wasm
// heap) against the plain ops x·l − softplus(l) and their autodiff gradients, over ordinary and
// extreme logits and sizes that are and are not multiples of 4; and the Bernoulli likelihood of
// runtime/likelihoods.ts taking it by default on wasm (no Softplus kernel), the plain ops with
// FLOWC_BERNOULLI_FUSED=0.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { Rng } from '../../runtime/rng.js';
import { bernoulliFusedAvailable, bernoulliLogProbFused } from '../../runtime/kernels/fused/bernoulli-loss.js';
import { buildLikelihood } from '../../runtime/likelihoods.js';
import { withConfig } from '../../runtime/config.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const plain = (l: tf.Tensor, x: tf.Tensor) => tf.sub(tf.mul(x, l), tf.softplus(l));

function compare(shape: number[], scale: number, seed: number) {
  const r = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const extremes = [0, -1e-8, 1e-8, 0.3466, -0.3466, 14, -14, 17, -17, 30, -30, 88, -88, 100, -100];
  const lv = Float32Array.from({ length: n }, (_, i) =>
    i < extremes.length && scale > 1 ? extremes[i]! : r.normal() * scale,
  );
  const l = tf.tensor(lv, shape),
    x = tf.tensor(
      Float32Array.from({ length: n }, () => (r.uniform() < 0.4 ? 1 : 0)),
      shape,
    );
  const R = tf.tensor(
    Float32Array.from({ length: n }, () => r.normal()),
    shape,
  ); // a non-uniform upstream gradient
  const grads = (f: typeof plain) => tf.grads((a, b) => tf.sum(tf.mul(f(a!, b!), R)))([l, x]);
  const n0 = tf.memory().numTensors;
  const [ref, got] = [tf.tidy(() => plain(l, x)), bernoulliLogProbFused(l, x)];
  const [gRef, gGot] = [grads(plain), grads(bernoulliLogProbFused)];
  for (const [a, b, tol] of [
    [got, ref, 4e-7],
    [gGot[0]!, gRef[0]!, 4e-7],
    [gGot[1]!, gRef[1]!, 1e-7],
  ] as const) {
    expect(a.shape).toEqual(b.shape);
    const av = a.dataSync(),
      bv = b.dataSync();
    expect(Array.from(bv).some((v) => v !== 0)).toBe(true);
    // x·l − softplus(l) cancels for x = 1 and large l: both sides round at the scale of |l|
    bv.forEach((v, i) =>
      expect(Math.abs(av[i]! - v)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v), Math.abs(lv[i]!))),
    );
  }
  tf.dispose([ref, got, ...gRef, ...gGot]);
  expect(tf.memory().numTensors).toBe(n0);
  tf.dispose([l, x, R]);
}

describe('bernoulliLogProbFused (wasm)', () => {
  it('is not offered on cpu', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(bernoulliFusedAvailable()).toBe(false);
  });

  for (const [shape, scale] of [
    [[100, 784], 4],
    [[5, 7], 30],
    [[3, 5, 1], 1],
    [[64, 16], 60],
  ] as const) {
    it(`equals the plain ops and their gradients: shape [${shape}], logits ~ N(0, ${scale}²)`, async () => {
      expect(await initBackend('wasm')).toBe('wasm');
      expect(bernoulliFusedAvailable()).toBe(true);
      compare([...shape], scale, shape[0]! + shape[1]!);
    });
  }

  it('is the Bernoulli likelihood on wasm, the plain ops with FLOWC_BERNOULLI_FUSED=0', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const lik = buildLikelihood({ kind: 'bernoulli' } as Parameters<typeof buildLikelihood>[0]);
    const r = new Rng(2);
    const params = tf.tensor3d(
      Float32Array.from({ length: 6 * 9 }, () => 3 * r.normal()),
      [6, 9, 1],
    );
    const x = tf.tensor2d(
      Float32Array.from({ length: 6 * 9 }, () => (r.uniform() < 0.5 ? 1 : 0)),
      [6, 9],
    );
    const run = async () => {
      let out: number[] = [],
        grad: number[] = [];
      const info = await tf.profile(() => {
        const g = tf.grad((p: tf.Tensor) => tf.sum(lik.logProb(p as tf.Tensor3D, x)))(params);
        const v = lik.logProb(params, x);
        out = Array.from(v.dataSync());
        grad = Array.from(g.dataSync());
        expect(v.shape).toEqual([6, 9]);
        tf.dispose([g, v]);
      });
      return { out, grad, softplus: info.kernels.some((k) => k.name === 'Softplus') };
    };
    const fused = await run();
    const ref = await withConfig({ bernoulliFused: false }, run);
    expect(fused.softplus).toBe(false);
    expect(ref.softplus).toBe(true);
    fused.out.forEach((v, i) => expect(v).toBeCloseTo(ref.out[i]!, 5));
    fused.grad.forEach((v, i) => expect(v).toBeCloseTo(ref.grad[i]!, 6));
    tf.dispose([params, x]);
  });
});
