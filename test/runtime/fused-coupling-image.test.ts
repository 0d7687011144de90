// The fused image coupling path (runtime/kernels/fused/coupling-image.ts: two host ops around the
// conditioner, the default of Coupling.forward on wasm/cpu for images) against the plain tfjs ops
// (autodiff: the oracle), on cpu and wasm: y, the log-det and the gradients of a random
// functional of both for x and every parameter, for checkerboard / arbitrary binary masks and
// channel-wise masks (identity and permuted channel order), affine (tanh, exp, sigmoid) and
// additive; the inverse (plain) undoes the fused forward; the fused path is really taken (no
// SplitV/Concat/GatherV2/Tanh kernels); nothing leaks.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import type { Coupling } from '../../runtime/bijectors/coupling.js';
import type { FlowModelImpl } from '../../runtime/flow-model.js';
import type { NetIR } from '../../compiler/ir/types.js';
import { Rng } from '../../runtime/rng.js';
import { channelMask, checkerboard, coupling, flowIR, mlp, resnet } from './ir-fixtures.js';
import type { Bijector, ForwardResult } from '../../runtime/bijectors/types.js';
import { withConfig } from '../../runtime/config.js';
import { maxAbsDiff, perturb, useWasmBackend } from './helpers.js';

/** the layer's forward with the fused host ops on or off (the `fuse` setting) */
const fwd = (l: Bijector, x: tf.Tensor, fused: boolean): ForwardResult =>
  withConfig({ fuse: fused }, () => l.forward(x));

useWasmBackend();

function withBackend(backend: string, f: () => void | Promise<void>): void | Promise<void> {
  tf.setBackend(backend);
  let r: void | Promise<void>;
  try {
    r = f();
  } catch (e) {
    tf.setBackend('cpu');
    throw e;
  }
  if (r instanceof Promise) return r.finally(() => tf.setBackend('cpu'));
  tf.setBackend('cpu');
}

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, b) / Math.max(1e-3, ...Array.from(b, Math.abs));

/** a random binary C·H·W mask (channels-first, as FlowIR) with both values present in every channel */
function randomMask(C: number, H: number, W: number, seed: number): number[] {
  const rng = new Rng(seed);
  const m = Array.from({ length: C * H * W }, () => (rng.uniform() < 0.5 ? 1 : 0));
  for (let c = 0; c < C; c++) {
    m[c * H * W] = 1;
    m[c * H * W + 1] = 0;
  }
  return m;
}

/** channels-first mask where the listed channels condition */
function channelsMask(C: number, H: number, W: number, on: number[]): number[] {
  const m: number[] = [];
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) m.push(on.includes(c) ? 1 : 0);
  return m;
}

type Scale = 'exp' | 'sigmoid' | 'tanh';
const variants: {
  name: string;
  shape: number[];
  mask: number[];
  net: NetIR;
  type: 'affine' | 'additive';
  scale: Scale;
}[] = [
  {
    name: 'checkerboard 1×6×4 parity 0, tanh (W3 scale 1)',
    shape: [1, 6, 4],
    mask: checkerboard(1, 6, 4, 0),
    net: resnet(1, 4),
    type: 'affine',
    scale: 'tanh',
  },
  {
    name: 'checkerboard 2×4×4 parity 1, tanh (W3 scale 2)',
    shape: [2, 4, 4],
    mask: checkerboard(2, 4, 4, 1),
    net: resnet(1, 4),
    type: 'affine',
    scale: 'tanh',
  },
  {
    name: 'checkerboard 3×4×2, exp',
    shape: [3, 4, 2],
    mask: checkerboard(3, 4, 2, 0),
    net: resnet(1, 3),
    type: 'affine',
    scale: 'exp',
  },
  {
    name: 'random binary mask 3×3×4, sigmoid',
    shape: [3, 3, 4],
    mask: randomMask(3, 3, 4, 11),
    net: resnet(1, 4),
    type: 'affine',
    scale: 'sigmoid',
  },
  {
    name: 'checkerboard 2×4×4, additive',
    shape: [2, 4, 4],
    mask: checkerboard(2, 4, 4, 0),
    net: resnet(1, 4),
    type: 'additive',
    scale: 'tanh',
  },
  {
    name: 'checkerboard 2×2×2, mlp conditioner',
    shape: [2, 2, 2],
    mask: checkerboard(2, 2, 2, 1),
    net: mlp(8),
    type: 'affine',
    scale: 'tanh',
  },
  {
    name: 'channel {0,1}→{2,3} 4×4×4, tanh (W3)',
    shape: [4, 4, 4],
    mask: channelMask(4, 4, 4, true),
    net: resnet(1, 4),
    type: 'affine',
    scale: 'tanh',
  },
  {
    name: 'channel {2,3}→{0,1} 4×4×4, tanh (W3, permuted)',
    shape: [4, 4, 4],
    mask: channelMask(4, 4, 4, false),
    net: resnet(1, 4),
    type: 'affine',
    scale: 'tanh',
  },
  {
    name: 'channel {1,4}→{0,2,3} 5×2×4, exp',
    shape: [5, 2, 4],
    mask: channelsMask(5, 2, 4, [1, 4]),
    net: resnet(1, 3),
    type: 'affine',
    scale: 'exp',
  },
  {
    name: 'channel {0,2}→{1,3} 4×2×2, sigmoid',
    shape: [4, 2, 2],
    mask: channelsMask(4, 2, 2, [0, 2]),
    net: resnet(1, 4),
    type: 'affine',
    scale: 'sigmoid',
  },
  {
    name: 'channel {3}→{0,1,2} 4×2×3, additive',
    shape: [4, 2, 3],
    mask: channelsMask(4, 2, 3, [3]),
    net: resnet(1, 4),
    type: 'additive',
    scale: 'tanh',
  },
];

const PLAIN_ONLY = ['SplitV', 'Concat', 'GatherV2', 'Tanh', 'Exp'];

describe('fused image coupling = plain coupling', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const v of variants) {
      it(`${v.name} on ${backend}`, () =>
        withBackend(backend, async () => {
          const [C, H, W] = v.shape as [number, number, number];
          const model = build(
            flowIR({ shape: v.shape, flow: [coupling(v.shape, v.mask, v.net, v.type, v.scale)] }),
          ) as FlowModelImpl;
          perturb(model, 0.4, 3);
          const layer = model.bijectors[0] as Coupling;
          const N = 5;
          const x = tf.tidy(() => new Rng(5).normalTensor([N, H, W, C], 0, 1.3));
          const R = tf.tidy(() => new Rng(6).normalTensor([N, H, W, C]));
          const r = tf.tidy(() => new Rng(7).normalTensor([N]));
          const vars = model.variables;
          const before = tf.memory().numTensors;
          const run = (fused: boolean) =>
            tf.tidy(() => {
              const out = fwd(layer, x, fused);
              const f = (xx: tf.Tensor) => {
                const o = fwd(layer, xx, fused);
                return tf.add(tf.sum(tf.mul(o.y, R)), tf.sum(tf.mul(o.logDet, r))) as tf.Scalar;
              };
              const g = tf.grads((xx: tf.Tensor) => f(xx))([x, ...vars]);
              return {
                y: out.y.dataSync().slice(),
                ld: out.logDet.dataSync().slice(),
                g: g.map((t) => t.dataSync().slice()),
              };
            });
          const a = run(true),
            b = run(false);
          expect(tf.memory().numTensors).toBe(before);
          expect(a.y.length).toBe(N * C * H * W);
          expect(rel(a.y, b.y)).toBeLessThan(2e-6);
          expect(maxAbsDiff(a.y, x.dataSync())).toBeGreaterThan(0.05); // the layer does something
          expect(a.ld.length).toBe(N);
          expect(maxAbsDiff(a.ld, b.ld)).toBeLessThan(1e-5 * Math.max(1, ...Array.from(b.ld, Math.abs)));
          if (v.type === 'affine') expect(Math.max(...Array.from(b.ld, Math.abs))).toBeGreaterThan(0.05);
          expect(a.g.length).toBe(1 + vars.length);
          a.g.forEach((g, i) => {
            expect(Math.max(...Array.from(b.g[i]!, Math.abs))).toBeGreaterThan(0);
            expect(rel(g, b.g[i]!)).toBeLessThan(3e-5);
          });
          // the fused path is taken: none of the plain path's split / concat / gather / tanh kernels
          const names = async (fused: boolean) =>
            (
              await tf.profile(() => {
                tf.tidy(() => {
                  tf.grads((xx: tf.Tensor) => tf.sum(fwd(layer, xx, fused).y))([x]);
                });
              })
            ).kernels.map((k) => k.name);
          const kf = await names(true),
            kp = await names(false);
          expect(kf.length).toBeLessThan(kp.length - 4);
          expect(PLAIN_ONLY.filter((n) => kf.includes(n))).toEqual([]);
          // the inverse (plain path) undoes the fused forward
          tf.tidy(() => {
            const f = fwd(layer, x, true);
            const inv = layer.inverse(f.y);
            // round-trip error: float32 rounding of |y|, amplified by exp(−s) (as for the plain forward)
            const plainErr = maxAbsDiff(layer.inverse(fwd(layer, x, false).y).x.dataSync(), x.dataSync());
            const scale = Math.max(1, ...Array.from(f.y.dataSync(), Math.abs));
            expect(maxAbsDiff(inv.x.dataSync(), x.dataSync())).toBeLessThan(Math.max(2e-6 * scale, 4 * plainErr));
            expect(maxAbsDiff(tf.add(inv.logDet, f.logDet).dataSync(), new Float32Array(N))).toBeLessThan(2e-5);
          });
          expect(tf.memory().numTensors).toBe(before);
          x.dispose();
          R.dispose();
          r.dispose();
          model.dispose?.();
        }));
    }
  }
});
