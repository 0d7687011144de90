// createTrainer's Adam on wasm/cpu (runtime/kernels/mixed-adam.ts: small variables on the host,
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
import { createMixedTrainer } from '../../runtime/kernels/mixed-adam.js';
import type { FlowModel } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';

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
  x.dispose(); tr.dispose(); model.dispose();
  return { losses, params };
}

afterAll(async () => { await tf.setBackend('cpu'); });

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
  for (const [backend, split] of [['cpu', SPLIT], ['wasm', SPLIT], ['cpu', Infinity], ['wasm', Infinity]] as const) {
    for (const clip of [undefined, 0.5]) {
      it(`matches the op-by-op Adam on ${backend}, host up to ${split} elements${clip ? ', with clipping' : ''}`, async () => {
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
        let moved = 0, worst = 0;
        ref.params.forEach((p, k) => p.forEach((r, i) => {
          worst = Math.max(worst, Math.abs(mixed.params[k]![i]! - r));
          if (Math.abs(r - p0[k]![i]!) > 1e-3) moved++;
        }));
        expect(moved).toBeGreaterThan(1000);
        expect(worst).toBeLessThan(2e-5);
      });
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
      tf.dispose(before); tr.dispose(); x.dispose(); model.dispose();
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
    b.dispose(); x.dispose(); model.dispose();
  });

  it('createTrainer takes the mixed path on wasm unless FLOWC_HOST_ADAM=0', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const opts: AdamOptions = { lr: 1e-2 };
    const viaCreate = train((m) => createTrainer(m, opts), 2);
    const mixed = train((m) => createMixedTrainer(m, opts, 1 << 16), 2);
    expect(viaCreate.params).toEqual(mixed.params);
    process.env.FLOWC_HOST_ADAM = '0';
    try {
      const op = train((m) => createTrainer(m, opts), 2);
      const ref = train((m) => createOpTrainer(m, opts), 2);
      expect(op.params).toEqual(ref.params);
    } finally {
      delete process.env.FLOWC_HOST_ADAM;
    }
  });
});
