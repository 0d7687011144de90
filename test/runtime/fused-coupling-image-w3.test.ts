// W3 (bench/specs/w3_multiscale_realnvp.flow: dequantize, logit, checkerboard and channel
// couplings with ResNet conditioners, squeeze, split) trained a few steps with the fused host ops
// (default) and with FLOWC_FUSE=0 (the plain tfjs ops, the oracle): the same losses and parameters
// (same seed, hence the same dequantization noise), on cpu and wasm; the fused path really runs
// (far fewer kernels); the model still samples and inverts; nothing leaks.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { compileSource } from '../../compiler/index.js';
import { createTrainer } from '../../runtime/train-step.js';
import type { FlowModelImpl } from '../../runtime/flow-model.js';
import { Rng } from '../../runtime/rng.js';
import { maxAbsDiff, useWasmBackend } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

useWasmBackend();

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, b) / Math.max(1e-3, ...Array.from(b, Math.abs));

/** MNIST-like bytes: mostly 0, the rest uniform in 0..255 (covers the logit's whole range) */
function images(n: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const v = Float32Array.from({ length: n * 784 }, () => (rng.uniform() < 0.6 ? 0 : Math.floor(rng.uniform() * 256)));
  return tf.tensor(v, [n, 1, 28, 28], 'float32');
}

describe('W3 fused vs FLOWC_FUSE=0', () => {
  const spec = fs.readFileSync(new URL('../../bench/specs/w3_multiscale_realnvp.flow', import.meta.url), 'utf8');
  const { ir: w3 } = compileSource(spec, 'w3_multiscale_realnvp.flow');
  // the cpu backend's convs are slow: W3 with 8-channel conditioners there
  const { ir: narrow } = compileSource(spec.replace('channels: 32', 'channels: 8'), 'w3_narrow.flow');

  for (const [backend, N, steps] of [
    ['wasm', 6, 3],
    ['cpu', 4, 3],
  ] as const) {
    it(
      `${steps} training steps: same losses and parameters (${backend}, batch ` +
        `${N}${backend === 'cpu' ? ', 8-channel ResNets' : ''})`,
      async () => {
        const ir = backend === 'cpu' ? narrow : w3;
        expect(ir).toBeTruthy();
        tf.setBackend(backend);
        const x = images(N, 3);
        const train = async (fuse: string) => {
          const prev = setConfig({ fuse: fuse !== '0' });
          try {
            const model = build(ir!) as FlowModelImpl;
            const trainer = createTrainer(model, { lr: 1e-3 });
            const start = tf.memory().numTensors;
            const losses = Array.from({ length: steps }, () => trainer.step(x));
            expect(tf.memory().numTensors).toBe(start);
            const params = new Map(model.variables.map((p) => [p.name, p.dataSync().slice()]));
            const kernels = (
              await tf.profile(() => {
                tf.tidy(() => {
                  tf.grads((xx: tf.Tensor) => tf.mean(model.loss!(xx)))([x]);
                });
              })
            ).kernels.length;
            // sampling (plain inverse) still works and inverts the (fused) density direction
            const inv = tf.tidy(() => {
              const z = model.forward(tf.tensor(new Rng(9).uniformArray(N * 784, 0.2, 0.8), [N, 1, 28, 28], 'float32'));
              const back = model.inverse(z.z);
              return {
                n: z.z.shape[1],
                finite: Array.from(back.x.dataSync()).every(Number.isFinite),
                ld: maxAbsDiff(tf.add(z.logDet, back.logDet).dataSync(), new Float32Array(N)),
              };
            });
            trainer.dispose();
            model.dispose?.();
            return { losses, params, kernels, inv };
          } finally {
            setConfig(prev);
          }
        };
        const before = tf.memory().numTensors;
        const fused = await train('1'),
          plain = await train('0');
        expect(tf.memory().numTensors).toBe(before);
        expect(fused.kernels).toBeLessThan(plain.kernels - 300); // the fused path was taken
        fused.losses.forEach((l, i) =>
          expect(Math.abs(l - plain.losses[i]!)).toBeLessThan(1e-4 * Math.abs(plain.losses[i]!)),
        );
        expect(plain.losses[steps - 1]).not.toBe(plain.losses[0]);
        expect(fused.params.size).toBe(plain.params.size);
        let moved = 0;
        for (const [name, p] of plain.params) {
          expect(rel(fused.params.get(name)!, p), name).toBeLessThan(1e-4);
          if (name.includes('.out.')) moved += maxAbsDiff(p, new Float32Array(p.length));
        }
        expect(moved).toBeGreaterThan(0); // the zero-initialised last convs trained
        for (const r of [fused.inv, plain.inv]) {
          expect(r.n).toBe(784);
          expect(r.finite).toBe(true);
          expect(r.ld).toBeLessThan(1e-2);
        }
        x.dispose();
        tf.setBackend('cpu');
      },
      120_000,
    );
  }
});
