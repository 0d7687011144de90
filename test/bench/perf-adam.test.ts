// The host Adam (runtime/kernels/perf-adam.ts) takes the same steps as the op-by-op trainer of
// runtime/train-step.ts (the oracle): same losses and parameters after several steps, on the cpu
// backend and on wasm (where it writes the wasm heap in place), with and without clipping.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { createTrainer, type Trainer } from '../../runtime/train-step.js';
import type { FlowModel } from '../../runtime/model.js';
import { createFastTrainer } from '../../runtime/kernels/perf-adam.js';
import { Rng } from '../../runtime/rng.js';

const spec = fs.readFileSync(new URL('../../bench/specs/w1_realnvp2d.flow', import.meta.url), 'utf8');
const ir = compileSource(spec, 'w1_realnvp2d.flow').ir!;
// the zero-initialized last layers would make the first gradients of s and t trivially small: use a
// random batch and several steps so every parameter moves
const X = new Rng(3).normalArray(64 * 2);

function trainWith(make: (m: FlowModel) => Trainer, steps: number): { losses: number[]; params: number[][] } {
  const model = build(ir);
  const tr = make(model);
  const x = tf.tensor2d(X, [64, 2]);
  const losses = Array.from({ length: steps }, () => tr.step(x));
  const params = model.variables.map((v) => Array.from(v.dataSync()));
  x.dispose(); tr.dispose(); model.dispose();
  return { losses, params };
}

afterAll(async () => { await tf.setBackend('cpu'); });

for (const backend of ['cpu', 'wasm'] as const) {
  for (const clip of [undefined, 0.5]) {
    it(`matches the op-by-op Adam on ${backend}${clip ? ' with clipping' : ''}`, async () => {
      expect(await initBackend(backend)).toBe(backend);
      const opts = { lr: 1e-2, clip };
      const ref = trainWith((m) => createTrainer(m, opts), 6);
      const before = tf.memory().numTensors;
      const fast = trainWith((m) => createFastTrainer(m, opts), 6);
      expect(tf.memory().numTensors).toBe(before);
      for (let i = 0; i < 6; i++) expect(fast.losses[i]).toBeCloseTo(ref.losses[i]!, 4);
      let moved = 0, worst = 0;
      const init = build(ir);
      const p0 = init.variables.map((v) => Array.from(v.dataSync()));
      init.dispose();
      ref.params.forEach((p, k) => p.forEach((r, i) => {
        worst = Math.max(worst, Math.abs(fast.params[k]![i]! - r));
        if (Math.abs(r - p0[k]![i]!) > 1e-3) moved++;
      }));
      expect(moved).toBeGreaterThan(1000); // the steps did change the parameters
      expect(worst).toBeLessThan(2e-5);
    });
  }
}
