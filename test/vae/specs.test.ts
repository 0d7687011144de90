// The spec library's VAE and energy models compile and build: encoder width, a training step,
// and the energy target the spec names.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
import { VaeModel } from '../../runtime/vae/index.js';
import { EnergyModel } from '../../runtime/energy/index.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function compile(file: string) {
  const r = compileSource(readFileSync(file, 'utf8'), file);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ir!;
}

describe('spec library', () => {
  it('specs/planar_vae.flow: 16 amortized planar layers on a 40-d latent; one training step', () => {
    const ir = compile('specs/planar_vae.flow');
    expect(ir.family).toBe('vae');
    const model = build(ir) as VaeModel;
    expect(model).toBeInstanceOf(VaeModel);
    expect(model.encoderOut).toBe(2 * 40 + 16 * (2 * 40 + 1));
    const x = tf.tensor(
      new Rng(1).uniformArray(4 * 784).map((v) => (v < 0.2 ? 1 : 0)),
      [4, 784],
    );
    const trainer = createTrainer(model, { lr: 1e-3 });
    const l = trainer.step(x);
    expect(Number.isFinite(l)).toBe(true);
    expect(l).toBeGreaterThan(0);
    const s = model.sample(2);
    expect(s.shape).toEqual([2, ...ir.data.shape]);
    for (const t of [x, s]) t.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('specs/iaf_vae.flow: IAF posterior with its own variables; ELBO finite', () => {
    const ir = compile('specs/iaf_vae.flow');
    const model = build(ir) as VaeModel;
    expect(model.encoderOut).toBe(2 * 32);
    const x = tf.tensor(
      new Rng(2).uniformArray(2 * 784).map((v) => (v < 0.2 ? 1 : 0)),
      [2, 784],
    );
    const e = model.elbo(x);
    for (const v of e.dataSync()) expect(Number.isFinite(v)).toBe(true);
    for (const t of [x, e]) t.dispose();
    model.dispose();
  });

  for (const [file, kind] of [
    ['specs/planar_energy.flow', 'planar'],
    ['specs/radial_energy.flow', 'radial'],
  ] as const) {
    it(`${file}: 32 ${kind} layers fitted to U1`, () => {
      const ir = compile(file);
      expect(ir.family).toBe('energy');
      const model = build(ir) as EnergyModel;
      expect(model).toBeInstanceOf(EnergyModel);
      expect(model.target).toBe('u1');
      expect(model.bijectors.length).toBe(32);
      expect(model.bijectors.every((b) => b.kind === kind)).toBe(true);
      const l = model.lossN(16);
      for (const v of l.dataSync()) expect(Number.isFinite(v)).toBe(true);
      l.dispose();
      model.dispose();
    });
  }
});
