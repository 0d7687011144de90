// The fused host op of the multi-scale glue (split: the default on wasm/cpu) against its plain
// tfjs ops (autodiff: the oracle), on cpu and wasm: outputs, log-dets, factored-out latents and the
// gradients of a random functional of all of them for x and every parameter; the inverse (plain)
// undoes the fused forward; no more kernels; nothing leaks. (dequantize, logit and squeeze were
// fused the same way and measured slower than their wasm kernels at W3's size: JS logs cost more
// than wasm's, and wasm's transpose beats an index copy; they stay plain.)
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import type { Bijector, ForwardResult } from '../../runtime/bijectors/types.js';
import type { FlowModelImpl } from '../../runtime/flow-model.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { Rng } from '../../runtime/rng.js';
import { flowIR, layer } from './ir-fixtures.js';
import { withConfig } from '../../runtime/config.js';
import { maxAbsDiff, perturb, useWasmBackend } from './helpers.js';

/** the layer's forward with the fused host ops on or off (the `fuse` setting) */
const fwd = (l: Bijector, x: tf.Tensor, fused: boolean): ForwardResult =>
  withConfig({ fuse: fused }, () => l.forward(x));

useWasmBackend();

function withBackend(backend: string, f: () => Promise<void>): Promise<void> | void {
  tf.setBackend(backend);
  return f().finally(() => tf.setBackend('cpu'));
}

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, b) / Math.max(1e-3, ...Array.from(b, Math.abs));

type Fusable = Bijector;

interface Case {
  name: string;
  ir: () => FlowIR;
  /** plain oracle kernels absent from the fused forward */ gone: string[];
}
const img = (C: number, H: number, W: number) => [C, H, W];
const cases: Case[] = [
  {
    name: 'split fixed, 4×3×2',
    ir: () => flowIR({ shape: img(4, 3, 2), flow: [layer('split', img(4, 3, 2), { prior: 'fixed' }, img(2, 3, 2))] }),
    gone: ['SplitV'],
  },
  {
    name: 'split fixed, 6×2×2 keeps 4',
    ir: () => flowIR({ shape: img(6, 2, 2), flow: [layer('split', img(6, 2, 2), { prior: 'fixed' }, img(4, 2, 2))] }),
    gone: ['SplitV'],
  },
  {
    name: 'split conditional, 4×3×2',
    ir: () =>
      flowIR({ shape: img(4, 3, 2), flow: [layer('split', img(4, 3, 2), { prior: 'conditional' }, img(2, 3, 2))] }),
    gone: [],
  },
  {
    name: 'split fixed, vector',
    ir: () => flowIR({ shape: [5], flow: [layer('split', [5], { prior: 'fixed' }, [3])] }),
    gone: ['SplitV'],
  },
  {
    name: 'split conditional, vector',
    ir: () => flowIR({ shape: [6], flow: [layer('split', [6], { prior: 'conditional' }, [2])] }),
    gone: [],
  },
];

describe('fused split = plain split', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const c of cases) {
      it(`${c.name} on ${backend}`, () =>
        withBackend(backend, async () => {
          // two models from one IR (same seed, same parameters)
          const mk = () => {
            const m = build(c.ir()) as FlowModelImpl;
            perturb(m, 0.5, 3);
            return m;
          };
          const mf = mk(),
            mp = mk();
          const lf = mf.bijectors[0] as Fusable,
            lp = mp.bijectors[0] as Fusable;
          const shape = c.ir().data.shape;
          const inner = shape.length === 3 ? [shape[1]!, shape[2]!, shape[0]!] : shape;
          const N = 4,
            D = inner.reduce((a, b) => a * b, 1);
          const rng = new Rng(5);
          const x = tf.tensor(
            Float32Array.from({ length: N * D }, () => rng.normal()),
            [N, ...inner],
            'float32',
          );
          const before = tf.memory().numTensors;
          const run = (l: Fusable, m: FlowModelImpl, fused: boolean) =>
            tf.tidy(() => {
              let vals: Float32Array[] = [];
              const f = (xx: tf.Tensor) => {
                const o = fwd(l, xx, fused);
                const parts = [o.y, o.logDet, ...(o.out ? [o.out] : [])];
                vals = parts.map((t) => t.dataSync().slice() as Float32Array);
                const r = new Rng(11);
                return parts
                  .map((t) => tf.sum(tf.mul(t, r.normalTensor(t.shape))))
                  .reduce((a, b) => tf.add(a, b)) as tf.Scalar;
              };
              const g = tf.grads(f)([x, ...m.variables.filter((v) => v.trainable)]);
              return { vals, g: g.map((t) => t.dataSync().slice()) };
            });
          const a = run(lf, mf, true),
            b = run(lp, mp, false);
          expect(tf.memory().numTensors).toBe(before);
          expect(a.vals.length).toBe(b.vals.length);
          a.vals.forEach((v, i) => {
            expect(v.length).toBe(b.vals[i]!.length);
            expect(rel(v, b.vals[i]!)).toBeLessThan(1e-7);
          });
          expect(a.g.length).toBe(b.g.length);
          a.g.forEach((g, i) => {
            expect(Math.max(...Array.from(b.g[i]!, Math.abs))).toBeGreaterThan(0);
            expect(rel(g, b.g[i]!)).toBeLessThan(1e-6);
          });
          // no more kernels, and none of the plain path's named ones
          const kernels = async (l: Fusable, fused: boolean) =>
            (
              await tf.profile(() => {
                tf.tidy(() => {
                  const o = fwd(l, x, fused);
                  o.out?.dispose();
                });
              })
            ).kernels.map((k) => k.name);
          const kf = await kernels(lf, true),
            kp = await kernels(lp, false);
          expect(kf.length).toBeLessThanOrEqual(kp.length);
          for (const n of c.gone) {
            expect(kp).toContain(n);
            expect(kf).not.toContain(n);
          }
          // the inverse (plain) undoes the fused forward
          tf.tidy(() => {
            const o = fwd(lf, x, true);
            const inv = lf.inverse(o.y, o.out);
            const back = inv.x.dataSync(),
              xs = x.dataSync();
            expect(maxAbsDiff(back, xs)).toBeLessThan(1e-5 * Math.max(1, ...Array.from(xs, Math.abs)));
            expect(maxAbsDiff(tf.add(inv.logDet, o.logDet).dataSync(), new Float32Array(N))).toBeLessThan(1e-3);
          });
          expect(tf.memory().numTensors).toBe(before);
          x.dispose();
          mf.dispose?.();
          mp.dispose?.();
        }));
    }
  }
});
