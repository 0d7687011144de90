// The fused coupling path (runtime/kernels/fused/coupling.ts + the fused dense conditioner, the
// default of Coupling.forward on wasm/cpu for vectors) against the plain tfjs ops (autodiff: the
// oracle), on cpu and wasm: y, the log-det and the gradients of a random functional of both for x
// and every parameter, for affine (exp, tanh, sigmoid scale) and additive couplings, several masks,
// relu (fused) and tanh (plain) conditioners; the inverse still inverts; W1 trained a few steps
// with FLOWC_FUSE=0 and with the default gives the same losses and parameters; nothing leaks.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { compileSource } from '../../compiler/index.js';
import { createTrainer } from '../../runtime/train-step.js';
import type { Coupling } from '../../runtime/bijectors/coupling.js';
import type { FlowModelImpl } from '../../runtime/flow-model.js';
import type { NetIR } from '../../compiler/ir/types.js';
import { Rng } from '../../runtime/rng.js';
import { alternate, coupling, flowIR, mlp, moons, tanhMlp } from './ir-fixtures.js';
import { maxAbsDiff, perturb, useWasmBackend } from './helpers.js';

/** the layer's forward with the fused host ops on or off (the `fuse` setting) */
const fwd = (l: Bijector, x: tf.Tensor, fused: boolean): ForwardResult =>
  withConfig({ fuse: fused }, () => l.forward(x));

import { setConfig, withConfig } from '../../runtime/config.js';
import type { Bijector, ForwardResult } from '../../runtime/bijectors/types.js';

useWasmBackend();

function withBackend(backend: string, f: () => void): void {
  tf.setBackend(backend);
  try {
    f();
  } finally {
    tf.setBackend('cpu');
  }
}

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, b) / Math.max(1e-3, ...Array.from(b, Math.abs));

type Scale = 'exp' | 'sigmoid' | 'tanh';
const variants: { name: string; mask: number[]; net: NetIR; type: 'affine' | 'additive'; scale: Scale }[] = [
  {
    name: 'affine tanh, mask [1,0], relu mlp (W1)',
    mask: alternate(2),
    net: mlp(16, 16),
    type: 'affine',
    scale: 'tanh',
  },
  { name: 'affine tanh, mask [0,1]', mask: alternate(2, 1), net: mlp(16, 16), type: 'affine', scale: 'tanh' },
  { name: 'affine exp, mask [1,1,0,0]', mask: [1, 1, 0, 0], net: mlp(12), type: 'affine', scale: 'exp' },
  {
    name: 'affine sigmoid, mask [0,1,1,0,1]',
    mask: [0, 1, 1, 0, 1],
    net: mlp(12, 12),
    type: 'affine',
    scale: 'sigmoid',
  },
  {
    name: 'affine exp, tanh conditioner (plain dense)',
    mask: alternate(4, 1),
    net: tanhMlp(8, 8),
    type: 'affine',
    scale: 'exp',
  },
  { name: 'additive, mask [0,1,0,1]', mask: [0, 1, 0, 1], net: mlp(8), type: 'additive', scale: 'tanh' },
];

describe('fused coupling = plain coupling', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const v of variants) {
      it(`${v.name} on ${backend}`, () =>
        withBackend(backend, () => {
          const D = v.mask.length;
          const model = build(
            flowIR({ shape: [D], flow: [coupling([D], v.mask, v.net, v.type, v.scale)] }),
          ) as FlowModelImpl;
          perturb(model, 0.7, 3);
          const layer = model.bijectors[0] as Coupling;
          const N = 29;
          const x = tf.tidy(() => new Rng(5).normalTensor([N, D], 0, 1.3));
          const R = tf.tidy(() => new Rng(6).normalTensor([N, D]));
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
          expect(a.y.length).toBe(N * D);
          expect(rel(a.y, b.y)).toBeLessThan(2e-6);
          expect(a.ld.length).toBe(N);
          expect(maxAbsDiff(a.ld, b.ld)).toBeLessThan(1e-5 * Math.max(1, ...Array.from(b.ld, Math.abs)));
          if (v.type === 'affine') expect(Math.max(...Array.from(b.ld, Math.abs))).toBeGreaterThan(0.05);
          a.g.forEach((g, i) => expect(rel(g, b.g[i]!)).toBeLessThan(3e-5));
          // the inverse (plain path) undoes the fused forward
          tf.tidy(() => {
            const f = fwd(layer, x, true);
            const inv = layer.inverse(f.y);
            expect(maxAbsDiff(inv.x.dataSync(), x.dataSync())).toBeLessThan(2e-5);
            expect(maxAbsDiff(tf.add(inv.logDet, f.logDet).dataSync(), new Float32Array(N))).toBeLessThan(2e-5);
          });
          x.dispose();
          R.dispose();
          r.dispose();
          model.dispose?.();
        }));
    }

    it(`W1 trained 4 steps fused and with FLOWC_FUSE=0: same losses and parameters (${backend})`, async () => {
      tf.setBackend(backend);
      const spec = fs.readFileSync(new URL('../../bench/specs/w1_realnvp2d.flow', import.meta.url), 'utf8');
      const { ir } = compileSource(spec, 'w1_realnvp2d.flow');
      expect(ir).toBeTruthy();
      const x = tf.tensor2d(moons(512, 0.05, 9), [512, 2]);
      const train = async (fuse: string) => {
        const prev = setConfig({ fuse: fuse !== '0' });
        try {
          const model = build(ir!);
          const trainer = createTrainer(model, { lr: 1e-3 });
          const start = tf.memory().numTensors;
          const losses = [0, 1, 2, 3].map(() => trainer.step(x));
          expect(tf.memory().numTensors).toBe(start);
          const params = new Map(model.variables.map((p) => [p.name, p.dataSync().slice()]));
          const kernels = (
            await tf.profile(() => {
              tf.tidy(() => {
                tf.grads((xx: tf.Tensor) => tf.mean(model.loss!(xx)))([x]);
              });
            })
          ).kernels.length;
          trainer.dispose();
          model.dispose?.();
          return { losses, params, kernels };
        } finally {
          setConfig(prev);
        }
      };
      const fused = await train('1'),
        plain = await train('0');
      expect(fused.kernels).toBeLessThan(250); // the fused path was taken…
      expect(plain.kernels).toBeGreaterThan(600); // …and FLOWC_FUSE=0 turned it off
      fused.losses.forEach((l, i) =>
        expect(Math.abs(l - plain.losses[i]!)).toBeLessThan(1e-4 * Math.abs(plain.losses[i]!)),
      );
      expect(plain.losses[3]).toBeLessThan(plain.losses[0]!); // it trains
      expect(fused.params.size).toBe(plain.params.size);
      for (const [name, p] of plain.params) expect(rel(fused.params.get(name)!, p)).toBeLessThan(1e-4);
      x.dispose();
      tf.setBackend('cpu');
    });
  }
});
