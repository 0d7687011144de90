// createTrainer's Adam on wasm/cpu (runtime/kernels/optim/mixed-adam.ts: small variables on the host,
// large ones op by op) against the op-by-op Adam of runtime/train-step.ts (the oracle): same losses
// and parameters after several steps, with and without clipping, with the split threshold set so
// both paths run; and its AdamState round-trips (resume == uninterrupted, bit for bit).
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { compileSource } from '../../compiler/index.js';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { createOpTrainer, createTrainer, type AdamOptions, type Trainer } from '../../runtime/train-step.js';
import { createMixedTrainer } from '../../runtime/kernels/optim/mixed-adam.js';
import { simdAdamAvailable, simdAdamStep } from '../../runtime/kernels/wasm/simd.js';
import type { FlowModel } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { withConfig } from '../../runtime/config.js';

const spec = fs.readFileSync(new URL('../../bench/specs/w1_realnvp2d.flow', import.meta.url), 'utf8');
const ir = compileSource(spec, 'w1_realnvp2d.flow').ir!;
const X = new Rng(5).normalArray(64 * 2);
const SPLIT = 300; // W1's variables range from a few to 16,384 elements: both paths run

function train(make: (m: FlowModel) => Trainer, steps: number) {
  const model = build(ir);
  const tr = make(model);
  const x = tf.tensor2d(X, [64, 2]);
  const losses = Array.from({ length: steps }, () => tr.step(x));
  const params = model.variables.map((v) => Array.from(v.dataSync()));
  x.dispose();
  tr.dispose();
  model.dispose();
  return { losses, params };
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('mixed host/op Adam (createTrainer on wasm and cpu)', () => {
  it('splits W1 both ways at the test threshold', async () => {
    await initBackend('cpu');
    const model = build(ir);
    const sizes = model.variables.filter((v) => v.trainable).map((v) => v.size);
    model.dispose();
    expect(sizes.some((n) => n <= SPLIT)).toBe(true);
    expect(sizes.some((n) => n > SPLIT)).toBe(true);
  });

  // SPLIT: both paths; Infinity: every variable on the host (the bench's `--trainer fast`)
  for (const [backend, split] of [
    ['cpu', SPLIT],
    ['wasm', SPLIT],
    ['cpu', Infinity],
    ['wasm', Infinity],
  ] as const) {
    for (const clip of [undefined, 0.5]) {
      it(
        `matches the op-by-op Adam on ${backend}, host up to ${split} ` + `elements${clip ? ', with clipping' : ''}`,
        async () => {
          expect(await initBackend(backend)).toBe(backend);
          const opts: AdamOptions = { lr: 1e-2, clip };
          const ref = train((m) => createOpTrainer(m, opts), 6);
          const before = tf.memory().numTensors;
          const mixed = train((m) => createMixedTrainer(m, opts, split), 6);
          expect(tf.memory().numTensors).toBe(before);
          for (let i = 0; i < 6; i++) expect(mixed.losses[i]).toBeCloseTo(ref.losses[i]!, 4);
          const init = build(ir);
          const p0 = init.variables.map((v) => Array.from(v.dataSync()));
          init.dispose();
          let moved = 0,
            worst = 0;
          ref.params.forEach((p, k) =>
            p.forEach((r, i) => {
              worst = Math.max(worst, Math.abs(mixed.params[k]![i]! - r));
              if (Math.abs(r - p0[k]![i]!) > 1e-3) moved++;
            }),
          );
          expect(moved).toBeGreaterThan(1000);
          expect(worst).toBeLessThan(2e-5);
        },
      );
    }
  }

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`never writes parameters in place on ${backend} (a tf.clone taken before a step keeps its values)`, async () => {
      expect(await initBackend(backend)).toBe(backend);
      const model = build(ir);
      const x = tf.tensor2d(X, [64, 2]);
      const tr = createMixedTrainer(model, { lr: 1e-2 }, SPLIT);
      tr.step(x); // the second step is the one that could reuse the first step's upload
      const before = model.variables.map((v) => tf.clone(v));
      const copies = model.variables.map((v) => Array.from(v.dataSync()));
      tr.step(x);
      tr.step(x);
      expect(before.map((t) => Array.from(t.dataSync()))).toEqual(copies);
      expect(model.variables.map((v) => Array.from(v.dataSync()))).not.toEqual(copies);
      tf.dispose(before);
      tr.dispose();
      x.dispose();
      model.dispose();
    });
  }

  it('round-trips its AdamState: 3 steps + resume + 3 steps == 6 steps', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const opts: AdamOptions = { lr: 1e-2 };
    const straight = train((m) => createMixedTrainer(m, opts, SPLIT), 6);
    const model = build(ir);
    const x = tf.tensor2d(X, [64, 2]);
    const a = createMixedTrainer(model, opts, SPLIT);
    for (let i = 0; i < 3; i++) a.step(x);
    const state = a.getState();
    a.dispose();
    expect(Object.keys(state.m).length).toBe(model.variables.filter((v) => v.trainable).length);
    const b = createMixedTrainer(model, opts, SPLIT);
    b.setState(state);
    const losses = [4, 5, 6].map(() => b.step(x));
    expect(losses[2]).toBe(straight.losses[5]);
    expect(model.variables.map((v) => Array.from(v.dataSync()))).toEqual(straight.params);
    b.dispose();
    x.dispose();
    model.dispose();
  });

  it('createTrainer takes the mixed path on wasm unless FLOWC_HOST_ADAM=0', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const opts: AdamOptions = { lr: 1e-2 };
    const viaCreate = train((m) => createTrainer(m, opts), 2);
    const mixed = train((m) => createMixedTrainer(m, opts, 1 << 16), 2);
    expect(viaCreate.params).toEqual(mixed.params);
    withConfig({ hostAdam: false }, () => {
      const op = train((m) => createTrainer(m, opts), 2);
      const ref = train((m) => createOpTrainer(m, opts), 2);
      expect(op.params).toEqual(ref.params);
    });
  });

  // hostMax 0: every variable takes the large-variable path, on wasm the SIMD loop of
  // runtime/kernels/wasm/simd.ts; it does the op-by-op trainer's float32 operations in the same
  // order, so parameters and moments agree bit for bit (sizes not divisible by 4 included)
  for (const clip of [undefined, 0.5]) {
    it(`wasm SIMD Adam equals the op-by-op Adam bit for bit${clip ? ', with clipping' : ''}`, async () => {
      expect(await initBackend('wasm')).toBe('wasm');
      expect(simdAdamAvailable()).toBe(true);
      const opts: AdamOptions = { lr: 1e-2, clip };
      const ref = train((m) => createOpTrainer(m, opts), 5);
      const before = tf.memory().numTensors;
      const simd = train((m) => createMixedTrainer(m, opts, 0), 5);
      expect(tf.memory().numTensors).toBe(before);
      expect(simd.losses).toEqual(ref.losses);
      expect(simd.params).toEqual(ref.params);
    });
  }

  it('simdAdamStep equals the op formula bit for bit on sizes not divisible by 4 (JS tail)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    for (const shape of [[7, 3], [5], [2, 2, 3]]) {
      const r = new Rng(shape.length);
      const n = shape.reduce((a, b) => a * b, 1);
      const p0 = r.normalArray(n);
      const p = tf.variable(tf.tensor(p0, shape)),
        q = tf.variable(tf.tensor(p0, shape));
      const [m1, v1, m2, v2] = [0, 1, 2, 3].map(() => tf.variable(tf.zeros(shape), false));
      const b1 = 0.8,
        b2 = 0.99,
        eps = 1e-8,
        lr = 0.05;
      for (let t = 1; t <= 3; t++) {
        const c1 = 1 - b1 ** t,
          c2 = 1 - b2 ** t,
          s = t === 2 ? 0.37 : 1;
        tf.tidy(() => {
          const g0 = tf.tensor(r.normalArray(n), shape);
          p.assign(simdAdamStep(p, g0, m1!, v1!, { s, b1, b2, c1, c2, eps, lr }));
          const g = tf.mul(g0, tf.scalar(s));
          const mNew = tf.add(tf.mul(m2!, b1), tf.mul(g, 1 - b1));
          const vNew = tf.add(tf.mul(v2!, b2), tf.mul(tf.square(g), 1 - b2));
          m2!.assign(mNew);
          v2!.assign(vNew);
          q.assign(tf.sub(q, tf.mul(tf.div(tf.div(mNew, c1), tf.add(tf.sqrt(tf.div(vNew, c2)), eps)), lr)));
        });
      }
      expect(Array.from(p.dataSync())).toEqual(Array.from(q.dataSync()));
      expect(Array.from(m1!.dataSync())).toEqual(Array.from(m2!.dataSync()));
      expect(Array.from(v1!.dataSync())).toEqual(Array.from(v2!.dataSync()));
      // every entry moved
      Array.from(p.dataSync()).forEach((x, i) => expect(Math.abs(x - p0[i]!)).toBeGreaterThan(1e-3));
      tf.dispose([p, q, m1!, v1!, m2!, v2!]);
    }
  });

  it('runs the SIMD path on wasm (no Sqrt kernel) unless FLOWC_SIMD_ADAM=0', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const kernelsOfStep = async (): Promise<string[]> => {
      const model = build(ir);
      const x = tf.tensor2d(X, [64, 2]);
      const tr = createMixedTrainer(model, { lr: 1e-2 }, 0);
      const info = await tf.profile(() => {
        tr.step(x);
      });
      tr.dispose();
      x.dispose();
      model.dispose();
      return info.kernels.map((k) => k.name);
    };
    expect(await kernelsOfStep()).not.toContain('Sqrt');
    expect(await withConfig({ simdAdam: false }, kernelsOfStep)).toContain('Sqrt');
  });

  it('resumes bit for bit on the SIMD path (moments round-trip through AdamState)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const opts: AdamOptions = { lr: 1e-2, clip: 1 };
    const straight = train((m) => createMixedTrainer(m, opts, 0), 4);
    const model = build(ir);
    const x = tf.tensor2d(X, [64, 2]);
    const a = createMixedTrainer(model, opts, 0);
    for (let i = 0; i < 2; i++) a.step(x);
    const state = a.getState();
    a.dispose();
    const b = createOpTrainer(model, opts); // the op trainer continues from the SIMD trainer's state
    b.setState(state);
    const losses = [3, 4].map(() => b.step(x));
    expect(losses[1]).toBe(straight.losses[3]);
    expect(model.variables.map((v) => Array.from(v.dataSync()))).toEqual(straight.params);
    b.dispose();
    x.dispose();
    model.dispose();
  });
});
