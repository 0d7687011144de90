// hostOp (runtime/kernels/fused/host-op.ts): a two-output host computation with a hand-written backward
// gives the same values and gradients as the same math written with tfjs ops (autodiff oracle),
// including an output that does not reach the loss; nothing leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { hostOp } from '../../runtime/kernels/fused/host-op.js';

// y = x·s (broadcast over rows), r = Σ_j x² per row
const op = hostOp({
  shapes: ([xs]) => [xs!, [xs![0]!]],
  forward: ([x, s], [xs]) => {
    const [N, D] = xs as [number, number];
    const y = new Float32Array(N * D),
      r = new Float32Array(N);
    for (let n = 0; n < N; n++)
      for (let d = 0; d < D; d++) {
        const v = x![n * D + d]!;
        y[n * D + d] = v * s![d]!;
        r[n] += v * v;
      }
    return { outputs: [y, r] };
  },
  backward: ([dy, dr], _saved, [x, s], [xs]) => {
    const [N, D] = xs as [number, number];
    const dx = new Float32Array(N * D),
      ds = new Float32Array(D);
    for (let n = 0; n < N; n++)
      for (let d = 0; d < D; d++) {
        const i = n * D + d;
        const g = dy ? dy[i]! : 0;
        dx[i] = g * s![d]! + (dr ? 2 * x![i]! * dr[n]! : 0);
        ds[d] += g * x![i]!;
      }
    return [dx, ds];
  },
});

describe('hostOp', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const x = () =>
    tf.tensor2d([
      [1, -2, 0.5],
      [3, 0.25, -1],
    ]);
  const s = () => tf.tensor1d([0.5, 2, -3]);
  const ref = (a: tf.Tensor, b: tf.Tensor, useR: boolean) => {
    const y = tf.mul(a, b),
      r = tf.sum(tf.square(a), 1);
    return useR ? tf.add(tf.sum(tf.mul(y, y)), tf.sum(tf.mul(r, tf.tensor1d([1, -2])))) : tf.sum(tf.mul(y, y));
  };
  const mine = (a: tf.Tensor, b: tf.Tensor, useR: boolean) => {
    const [y, r] = op([a, b]);
    return useR ? tf.add(tf.sum(tf.mul(y!, y!)), tf.sum(tf.mul(r!, tf.tensor1d([1, -2])))) : tf.sum(tf.mul(y!, y!));
  };

  for (const useR of [true, false]) {
    it(`values and gradients equal autodiff (second output ${useR ? 'used' : 'unused'})`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const a = x(),
          b = s();
        const g1 = tf.grads((p: tf.Tensor, q: tf.Tensor) => ref(p, q, useR))([a, b]);
        const g2 = tf.grads((p: tf.Tensor, q: tf.Tensor) => mine(p, q, useR))([a, b]);
        expect(mine(a, b, useR).dataSync()[0]).toBeCloseTo(ref(a, b, useR).dataSync()[0]!, 4);
        for (let i = 0; i < 2; i++) {
          const d1 = g1[i]!.dataSync(),
            d2 = g2[i]!.dataSync();
          expect(d2.length).toBe(d1.length);
          d1.forEach((v, k) => expect(d2[k]).toBeCloseTo(v, 4));
        }
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
