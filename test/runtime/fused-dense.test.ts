// The fused dense stack (runtime/kernels/fused/dense.ts, the planner's mlp:fused-dense on wasm/cpu) against
// the op-by-op Mlp (tfjs autodiff: the oracle), on cpu and wasm: outputs and the gradients of a
// random linear functional for the input and every W and b, for each fused activation, narrow
// inputs (the host path of the first layer, K₀ ≤ 2) and wide ones, one layer or three, MADE masks;
// gradients for x alone (weights pruned), a node that does not reach the loss, and no leaks.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Mlp } from '../../runtime/nets/mlp.js';
import { ParamStore } from '../../runtime/nets/params.js';
import { Rng } from '../../runtime/rng.js';
import { sequentialMasks } from '../../runtime/nets/made.js';
import { withConfig } from '../../runtime/config.js';
import { maxAbsDiff, useWasmBackend } from './helpers.js';

useWasmBackend();

function makeMlp(sizes: number[], act: string, seed: number, masks?: number[][][]): { mlp: Mlp; store: ParamStore } {
  const rng = new Rng(seed);
  const store = new ParamStore(rng);
  const mlp = new Mlp(store, `t${seed}`, sizes, act, false, masks);
  // random biases too (the init makes them U(±1/√fan_in) already; shift so some units are dead)
  for (const v of store.variables) tf.tidy(() => v.assign(tf.add(v, rng.normalTensor(v.shape, 0, 0.3))));
  return { mlp, store };
}

/** mlp(x) with the planner's mlp:fused-dense on (fused) or off (the plain stack) */
const apply = (mlp: Mlp, x: tf.Tensor, fused: boolean) =>
  withConfig({ fuse: true, kernelsOff: fused ? [] : ['mlp:fused-dense'] }, () => mlp.apply(x));

/** value of Σ R⊙mlp(x), its gradients for x and every variable */
function evalGrads(mlp: Mlp, store: ParamStore, x: tf.Tensor2D, R: tf.Tensor, fused: boolean) {
  return tf.tidy(() => {
    const vars = store.variables;
    const f = (xx: tf.Tensor, ...ps: tf.Tensor[]) => {
      void ps;
      return tf.sum(tf.mul(apply(mlp, xx, fused), R)) as tf.Scalar;
    };
    const out = apply(mlp, x, fused);
    const g = tf.grads(f)([x, ...vars]);
    return { out: Float32Array.from(out.dataSync()), grads: g.map((t) => Float32Array.from(t.dataSync())) };
  });
}

const rel = (a: Float32Array, b: Float32Array) => maxAbsDiff(a, b) / Math.max(1e-3, ...Array.from(b, Math.abs));

describe('fused dense stack = op-by-op Mlp', () => {
  const cases: { name: string; sizes: number[]; act: string; made?: boolean }[] = [
    { name: 'relu 2→64→64→4 (W1 shape, host first layer)', sizes: [2, 64, 64, 4], act: 'relu' },
    { name: 'relu 1→8→3 (K₀ = 1)', sizes: [1, 8, 3], act: 'relu' },
    { name: 'relu 5→16→16→10 (matmul first layer)', sizes: [5, 16, 16, 10], act: 'relu' },
    { name: 'one linear layer 3→4', sizes: [3, 4], act: 'relu' },
    { name: 'leaky_relu 2→12→6', sizes: [2, 12, 6], act: 'leaky_relu' },
    { name: 'elu 4→12→12→6', sizes: [4, 12, 12, 6], act: 'elu' },
    { name: 'sigmoid 2→12→12→4', sizes: [2, 12, 12, 4], act: 'sigmoid' },
    { name: 'MADE relu 4→16→16→8 (masked weights)', sizes: [4, 16, 16, 8], act: 'relu', made: true },
  ];
  for (const backend of ['cpu', 'wasm']) {
    for (const c of cases) {
      it(`${c.name} on ${backend}`, () => {
        tf.setBackend(backend);
        try {
          const masks = c.made
            ? sequentialMasks([0, 1, 2, 3], [16, 16]).map((m, l, all) => {
                const rows = l === all.length - 1 ? [...m, ...m] : m; // [out][in] → [in][out]
                return rows[0]!.map((_, j) => rows.map((r) => r[j]!));
              })
            : undefined;
          const { mlp, store } = makeMlp(c.sizes, c.act, 11, masks);
          const N = 37;
          const x = tf.tidy(() => new Rng(3).normalTensor([N, c.sizes[0]!], 0, 1.5)) as tf.Tensor2D;
          const R = tf.tidy(() => new Rng(4).normalTensor([N, c.sizes[c.sizes.length - 1]!]));
          const before = tf.memory().numTensors;
          const a = evalGrads(mlp, store, x, R, true);
          const b = evalGrads(mlp, store, x, R, false);
          expect(tf.memory().numTensors).toBe(before);
          expect(rel(a.out, b.out)).toBeLessThan(2e-6);
          expect(a.grads.length).toBe(b.grads.length);
          a.grads.forEach((g, i) => {
            expect(g.length).toBe(b.grads[i]!.length);
            expect(rel(g, b.grads[i]!)).toBeLessThan(2e-5);
          });
          // the functional is not trivial: some gradient entries are far from zero
          expect(Math.max(...b.grads.map((g) => Math.max(...Array.from(g, Math.abs))))).toBeGreaterThan(0.1);
          x.dispose();
          R.dispose();
          mlp.dispose();
          store.dispose();
        } finally {
          tf.setBackend('cpu');
        }
      });
    }

    it(`gradients for x alone, an unused node, and applies outside a tape leak nothing (${backend})`, () => {
      tf.setBackend(backend);
      try {
        const { mlp, store } = makeMlp([2, 16, 16, 4], 'relu', 5);
        const x = tf.tidy(() => new Rng(8).normalTensor([9, 2])) as tf.Tensor2D;
        const before = tf.memory().numTensors;
        for (let rep = 0; rep < 3; rep++) {
          const gx = tf.tidy(() => {
            const ga = tf
              .grad((xx: tf.Tensor) => tf.sum(tf.square(apply(mlp, xx, true))))(x)
              .dataSync()
              .slice();
            const gb = tf
              .grad((xx: tf.Tensor) => tf.sum(tf.square(apply(mlp, xx, false))))(x)
              .dataSync()
              .slice();
            return maxAbsDiff(ga, gb) / Math.max(...Array.from(gb, Math.abs));
          });
          expect(gx).toBeLessThan(2e-5);
          // the fused node is on the tape but not on the path to the loss (pruned)
          tf.tidy(() => {
            const g = tf.grad((xx: tf.Tensor) => {
              apply(mlp, tf.add(xx, 1), true);
              return tf.sum(tf.square(xx));
            })(x);
            expect(maxAbsDiff(g.dataSync(), tf.mul(x, 2).dataSync())).toBeLessThan(1e-6);
          });
          tf.tidy(() => {
            apply(mlp, x, true);
          });
        }
        expect(tf.memory().numTensors).toBe(before);
        x.dispose();
        store.dispose();
      } finally {
        tf.setBackend('cpu');
      }
    });
  }
});
