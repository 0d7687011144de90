// runtime/kernels/fused/masked-dense.ts (one tape node per masked dense layer on transposed
// activations, hand-written gradient) against the plain ops act(a·(W∘M) + b) differentiated by
// tfjs autodiff: same values and gradients of a, W, b (masked entries of dW exactly 0), on cpu and
// wasm (with and without the SIMD mask-transpose pass), relu and linear, a two-layer chain (so
// da flows into the layer below), and no leaked tensors; the SIMD pass itself equals
// tf.mul + tf.transpose bit for bit.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { maskedDenseT } from '../../runtime/kernels/fused/masked-dense.js';
import { simdMaskTranspose } from '../../runtime/kernels/wasm/simd.js';
import { Rng } from '../../runtime/rng.js';
import { setConfig } from '../../runtime/config.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

// H and O multiples of 4 (the SIMD pass runs for the second layer), I not (tf ops for the first)
const N = 7,
  I = 13,
  H = 12,
  O = 8;
function setup(seed: number) {
  const r = new Rng(seed);
  const mask = (i: number, o: number) =>
    tf.tensor2d(
      Array.from({ length: i * o }, () => (r.uniform() < 0.5 ? 1 : 0)),
      [i, o],
    );
  return {
    x: tf.tensor2d(r.normalArray(N * I), [N, I]),
    w1: tf.tensor2d(r.normalArray(I * H), [I, H]),
    m1: mask(I, H),
    b1: tf.tensor1d(r.normalArray(H)),
    w2: tf.tensor2d(r.normalArray(H * O), [H, O]),
    m2: mask(H, O),
    b2: tf.tensor1d(r.normalArray(O)),
    c: tf.tensor2d(r.normalArray(N * O), [N, O]), // weights of the scalar objective
  };
}

type S = ReturnType<typeof setup>;
const plain = (
  s: S,
  x: tf.Tensor2D,
  w1: tf.Tensor2D,
  b1: tf.Tensor1D,
  w2: tf.Tensor2D,
  b2: tf.Tensor1D,
  relu2: boolean,
) => {
  const h = tf.relu(tf.add(tf.matMul(x, tf.mul(w1, s.m1)), b1)) as tf.Tensor2D;
  const y = tf.add(tf.matMul(h, tf.mul(w2, s.m2)), b2);
  return relu2 ? tf.relu(y) : y;
};
const fused = (
  s: S,
  x: tf.Tensor2D,
  w1: tf.Tensor2D,
  b1: tf.Tensor1D,
  w2: tf.Tensor2D,
  b2: tf.Tensor1D,
  relu2: boolean,
) => tf.transpose(maskedDenseT(maskedDenseT(tf.transpose(x), w1, s.m1, b1, true), w2, s.m2, b2, relu2)) as tf.Tensor2D;

function run(f: typeof plain, s: S, relu2: boolean) {
  const g = tf.grads((x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
    tf.sum(
      tf.mul(
        tf.square(
          f(s, x as tf.Tensor2D, w1 as tf.Tensor2D, b1 as tf.Tensor1D, w2 as tf.Tensor2D, b2 as tf.Tensor1D, relu2),
        ),
        s.c,
      ),
    ),
  );
  const y = tf.tidy(() => f(s, s.x, s.w1, s.b1, s.w2, s.b2, relu2));
  const gs = g([s.x, s.w1, s.b1, s.w2, s.b2]);
  const out = { y: Array.from(y.dataSync()), g: gs.map((t) => Array.from(t.dataSync())) };
  y.dispose();
  gs.forEach((t) => t.dispose());
  return out;
}

describe('maskedDense (fused masked layer)', () => {
  for (const [backend, simd] of [
    ['cpu', false],
    ['wasm', true],
    ['wasm', false],
  ] as const) {
    for (const relu2 of [false, true]) {
      it(
        `matches autodiff of the plain ops on ${backend}${simd ? ' (SIMD pass)' : ''}, output ` +
          `${relu2 ? 'relu' : 'linear'}`,
        async () => {
          expect(await initBackend(backend)).toBe(backend);
          const prevConfig = setConfig({ simdMaskTranspose: simd });
          const s = setup(relu2 ? 3 : 4);
          const ref = run(plain, s, relu2);
          const before = tf.memory().numTensors;
          const got = run(fused, s, relu2);
          expect(tf.memory().numTensors).toBe(before);
          // the fixture is not trivial: some units are cut by relu, gradients are nonzero
          expect(ref.y.some((v) => v === 0) || !relu2).toBe(true);
          got.y.forEach((v, i) => expect(v).toBeCloseTo(ref.y[i]!, 4));
          got.g.forEach((gk, k) => {
            const scale = Math.max(1, ...ref.g[k]!.map(Math.abs));
            expect(ref.g[k]!.some((v) => v !== 0)).toBe(true);
            gk.forEach((v, i) => expect(Math.abs(v - ref.g[k]![i]!) / scale).toBeLessThan(1e-5));
          });
          // masked weights get exactly zero gradient
          const m1 = s.m1.dataSync(),
            m2 = s.m2.dataSync();
          got.g[1]!.forEach((v, i) => {
            if (!m1[i]) expect(Math.abs(v)).toBe(0);
          });
          got.g[3]!.forEach((v, i) => {
            if (!m2[i]) expect(Math.abs(v)).toBe(0);
          });
          Object.values(s).forEach((t) => t.dispose());
          setConfig(prevConfig);
        },
      );
    }
  }

  it('leaves no tensors behind without a tape (inference)', async () => {
    await initBackend('wasm');
    const s = setup(9);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => fused(s, s.x, s.w1, s.b1, s.w2, s.b2, false));
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    Object.values(s).forEach((t) => t.dispose());
  });

  it('the SIMD mask-transpose pass equals tf.mul + tf.transpose bit for bit (and declines other shapes)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const r = new Rng(8);
    for (const [i, o] of [
      [4, 4],
      [12, 8],
      [784, 500],
      [500, 784],
    ]) {
      const w = tf.tensor2d(r.normalArray(i * o), [i, o]);
      const m = tf.tensor2d(
        Array.from({ length: i * o }, () => (r.uniform() < 0.5 ? 1 : 0)),
        [i, o],
      );
      const before = tf.memory().numTensors;
      const [wm, wmT] = simdMaskTranspose(w, m)!;
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(wmT.shape).toEqual([o, i]);
      const ref = tf.mul(w, m),
        refT = tf.transpose(ref);
      expect(Array.from(wm.dataSync())).toEqual(Array.from(ref.dataSync()));
      expect(Array.from(wmT.dataSync())).toEqual(Array.from(refT.dataSync()));
      tf.dispose([w, m, wm, wmT, ref, refT]);
    }
    const odd = tf.zeros([6, 8]) as tf.Tensor2D;
    expect(simdMaskTranspose(odd, odd)).toBeNull();
    odd.dispose();
    await initBackend('cpu');
    const c = tf.zeros([4, 4]) as tf.Tensor2D;
    expect(simdMaskTranspose(c, c)).toBeNull();
    c.dispose();
  });
});
