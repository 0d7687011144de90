// No tensor leaks (tf.memory().numTensors stable over training steps and evaluations), a short
// VAE training run on binary data lowers −ELBO, sampling decodes prior samples, and build()
// dispatches the 'vae' and 'energy' families.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { VaeModel } from '../../runtime/vae/index.js';
import { EnergyModel } from '../../runtime/energy/index.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';
import { energyIR, layer, made, mlp, vaeIR } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 4 binary prototypes of 12 pixels with 5% flips */
function binaryData(n: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  const protos = [0b111100001111, 0b000011110000, 0b101010101010, 0b110011001100];
  const x = new Float32Array(n * 12);
  for (let i = 0; i < n; i++) {
    const p = protos[Math.floor(rng.uniform() * 4)]!;
    for (let d = 0; d < 12; d++) x[i * 12 + d] = ((p >> d) & 1) ^ (rng.uniform() < 0.05 ? 1 : 0);
  }
  return tf.tensor2d(x, [n, 12]);
}

const binaryVae = () =>
  vaeIR({
    D: 12,
    Dz: 2,
    amortized: true,
    domain: { kind: 'binary' },
    likelihood: { kind: 'bernoulli' },
    encoder: mlp('relu', 16),
    decoder: mlp('relu', 16),
    post: [
      layer('planar', 2, 0),
      layer('radial', 2, 1),
      layer('iaf', 2, 2, { order: [0, 1], net: made(8) }),
      layer('planar', 2, 3),
    ],
  });

describe('no tensor leaks', () => {
  it('VAE: training steps, ELBO, IW estimate and sampling keep numTensors constant', () => {
    const model = build(binaryVae()) as VaeModel;
    const trainer = createTrainer(model, { lr: 1e-3 });
    const x = binaryData(32, 1);
    trainer.step(x); // creates the optimizer moments
    const n0 = tf.memory().numTensors;
    for (let s = 0; s < 4; s++) trainer.step(x);
    expect(tf.memory().numTensors).toBe(n0);
    for (const t of [
      model.elbo(x),
      model.elbo(x, 5),
      model.iwLogProb(x, 7),
      model.logProb(x),
      model.loss(x),
      model.sample(3),
      model.sampleMeans(3),
    ])
      t.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    x.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('energy: training steps, logProb and sampling keep numTensors constant', () => {
    const model = build(energyIR('u3', 'radial', 3)) as EnergyModel;
    const trainer = createTrainer(model, { lr: 1e-3 });
    const dummy = tf.zeros([64, 2]);
    trainer.step(dummy);
    const n0 = tf.memory().numTensors;
    for (let s = 0; s < 4; s++) trainer.step(dummy);
    expect(tf.memory().numTensors).toBe(n0);
    for (const t of [model.logProb(tf.ones([5, 2])), model.sample(5), model.lossN(9)]) t.dispose();
    expect(tf.memory().numTensors).toBe(n0 + 1); // the ones() input above
    dummy.dispose();
    trainer.dispose();
    model.dispose();
  });
});

describe('VAE training and sampling', () => {
  it('200 steps on binary prototypes lower −ELBO and the IW NLL on held-out rows', () => {
    const model = build(binaryVae()) as VaeModel;
    model.iwSamples = 50;
    const train = binaryData(256, 2),
      test = binaryData(128, 3);
    const nll = () => {
      const e = model.elbo(test, 8),
        w = model.logProb(test);
      const r = { elbo: -tf.mean(e).dataSync()[0]!, iw: -tf.mean(w).dataSync()[0]! };
      e.dispose();
      w.dispose();
      return r;
    };
    const before = nll();
    const trainer = createTrainer(model, { lr: 3e-3 });
    for (let s = 0; s < 200; s++) {
      const b = tf.slice(train, [(s * 32) % 256, 0], [32, 12]);
      const l = trainer.step(b);
      expect(Number.isFinite(l)).toBe(true);
      b.dispose();
    }
    const after = nll();
    expect(before.elbo - after.elbo).toBeGreaterThan(2);
    expect(before.iw - after.iw).toBeGreaterThan(2);
    // the IW bound is the tighter one
    expect(after.iw).toBeLessThan(after.elbo);
    const s = model.sample(16, { seed: 4 });
    expect(s.shape).toEqual([16, 12]);
    for (const v of s.dataSync()) expect(v === 0 || v === 1).toBe(true);
    const m = model.sampleMeans(4, { seed: 4 });
    for (const v of m.dataSync()) expect(v >= 0 && v <= 1).toBe(true);
    for (const t of [s, m, train, test]) t.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('sample(n, {seed}) is reproducible; temperature 0 decodes the prior mean', () => {
    const model = build(binaryVae()) as VaeModel;
    const a = model.sample(5, { seed: 9 }).dataSync(),
      b = model.sample(5, { seed: 9 }).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const z = model.samplePrior(3, { temperature: 0, seed: 1 });
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    z.dispose();
    model.dispose();
  });
});

describe('build() dispatch', () => {
  it("'vae' → VaeModel, 'energy' → EnergyModel", () => {
    const v = build(binaryVae());
    const e = build(energyIR('u1', 'planar', 2));
    expect(v).toBeInstanceOf(VaeModel);
    expect(e).toBeInstanceOf(EnergyModel);
    expect((v as VaeModel).encoderOut).toBe(2 * 2 + (2 * 2 + 1) * 2 + (2 + 2));
    v.dispose();
    e.dispose();
  });
});
