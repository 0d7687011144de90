// The runtime on a backend that is neither 'wasm' nor 'cpu' by name (what a tfjs-node, WebGL or
// WebGPU user gets): tfjs's cpu kernels registered under another name. Every fast path keyed on the
// backend (fused host ops, host Adam, SIMD kernels, the data-parallel worker) must step aside, and
// every spec of the library must build, score, take a training step and sample there with the
// plain implementations — which give the values the cpu backend's plain path gives. The specs run
// at reduced sizes (8×8 images, narrow nets, short stacks: `shrink`): the same layer kinds, masks
// and paths, at a cost the pure-JS kernels finish in seconds.
import { readFileSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { sampleContext } from '../../runtime/condition.js';
import { build } from '../../runtime/build.js';
import { withConfig } from '../../runtime/config.js';
import { fusionEnabled } from '../../runtime/kernels/fused/host-op.js';
import { planModel } from '../../runtime/plan/planner.js';
import { findKernel } from '../../runtime/plan/registry.js';
import { float32View } from '../../runtime/kernels/memory.js';
import { createDataParallelTrainer } from '../../runtime/parallel/data-parallel.js';
import { HOST_ADAM_MAX, createTrainer } from '../../runtime/train-step.js';
import { batchFor } from '../support/batches.js';

const OTHER = 'flowc-other';

const specFiles = ['specs', 'bench/specs'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.flow'))
    .sort()
    .map((f) => `${dir}/${f}`),
);

/** the spec with small images, narrow nets and short stacks (every construct kept) */
function shrink(src: string): string {
  return src
    .replace(/\[1, 28, 28\]/g, '[1, 8, 8]')
    .replace(/\[3, 28, 28\]/g, '[3, 8, 8]')
    .replace(/\[784\]/g, '[64]')
    .replace(/channels: (\d+)/g, (m, n: string) => (+n > 8 ? 'channels: 8' : m))
    .replace(/hidden: \[[\d, ]+\]/g, 'hidden: [16, 16]')
    .replace(/hidden: (\d+)/g, (m, n: string) => (+n > 16 ? 'hidden: 16' : m))
    .replace(/mlp\((\d+), (\d+)\)/g, 'mlp(16, 16)')
    .replace(/layers: (\d+)/g, (m, n: string) => (+n > 2 ? 'layers: 2' : m))
    .replace(/repeat (\d+)/g, (m, n: string) => (+n > 2 ? 'repeat 2' : m));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.registerBackend(OTHER, () => new MathBackendCPU(), 0);
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: OTHER });
  expect(await tf.setBackend(OTHER)).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('cpu');
  tf.removeBackend(OTHER);
});

describe(`the runtime on a backend named '${OTHER}'`, () => {
  it('keeps every backend-keyed fast path off', () => {
    expect(tf.getBackend()).toBe(OTHER);
    expect(fusionEnabled()).toBe(false);
    // the plan: only kernels declared for any backend may be chosen; every other is refused for the backend
    for (const file of specFiles) {
      const plan = planModel(compileSource(shrink(readFileSync(file, 'utf8')), file).ir!);
      expect(plan.backend).toBe(OTHER);
      for (const e of plan.entries) {
        for (const k of e.kernels) expect(findKernel(k).backends, `${file}: ${e.id} ${k}`).toBe('any');
        for (const r of e.rejected) {
          if (findKernel(r.kernel).backends !== 'any') expect(r.why).toMatch(new RegExp(`^backend ${OTHER}, needs `));
        }
      }
    }
    const t = tf.ones([4]);
    expect(float32View(t)).toBeNull();
    t.dispose();
  });

  for (const file of specFiles) {
    it(`${file}: builds, scores, trains a step and samples with the plain paths`, async () => {
      const r = compileSource(shrink(readFileSync(file, 'utf8')), file);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.ir).toBeDefined();
      const ir = r.ir!;
      if (ir.family === 'energy') {
        const model = build(ir);
        const trainer = createTrainer(model, { lr: 1e-3 });
        const zeros = tf.zeros([2, ...ir.data.shape]); // energy models draw fresh base samples each step
        expect(Number.isFinite(trainer.step(zeros))).toBe(true);
        const s = model.sample(2, { seed: 3 });
        expect(s.shape).toEqual([2, ...ir.data.shape]);
        tf.dispose([zeros, s]);
        trainer.dispose();
        model.dispose?.();
        return;
      }
      const x = batchFor(ir, 2, 1);
      // conditioned specs (`condition y`) score, train and sample given a label per example
      const ctx = () => (ir.condition ? sampleContext(ir, 2) : undefined);
      // the same model on cpu with the plain ops: the reference values
      await tf.setBackend('cpu');
      const ref = withConfig({ fuse: false }, () => {
        const m = build(ir);
        const lp = Array.from(tf.tidy(() => m.logProb(x, ctx())).dataSync());
        m.dispose?.();
        return lp;
      });
      await tf.setBackend(OTHER);
      const model = build(ir);
      try {
        const before = tf.memory().numTensors;
        const t = tf.tidy(() => model.logProb(x, ctx()));
        const lp = Array.from(t.dataSync());
        t.dispose();
        expect(tf.memory().numTensors).toBe(before);
        lp.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-3 * (1 + Math.abs(ref[i]!))));
        expect(createDataParallelTrainer(model, { lr: 1e-3 }, HOST_ADAM_MAX)).toBeNull();
        const trainer = createTrainer(model, { lr: 1e-4 });
        const c = ctx();
        expect(Number.isFinite(trainer.step(x, c))).toBe(true);
        c?.dispose();
        trainer.dispose();
        const s = tf.tidy(() => model.sample(2, { seed: 3, context: ctx() }));
        expect(s.shape).toEqual([2, ...ir.data.shape]);
        s.dispose();
      } finally {
        x.dispose();
        model.dispose?.();
      }
    }, 60_000);
  }
});
