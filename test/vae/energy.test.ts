// The energies U1–U4 (Rezende & Mohamed 2015, Table 1) against hand values; the reverse-KL fit:
// it lowers the loss and never beats −log Z (KL ≥ 0, log Z by quadrature); the fitted flow's
// logProb agrees with the sampling direction and integrates to 1.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { buildEnergy, energy, energyJs, logPartition, type EnergyModel } from '../../runtime/energy/index.js';
import { createTrainer } from '../../runtime/train-step.js';
import { energyIR, mean, perturb, stderr } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LN2 = Math.log(2);
// hand values: each line derives U from Table 1 at a point where the terms are simple
const HAND: [string, number, number, number][] = [
  // ‖z‖ = 0: ½(2/0.4)² = 12.5; −ln(2·e^{−½(2/0.6)²}) = 50/9 − ln 2
  ['u1', 0, 0, 12.5 + 50 / 9 - LN2],
  // ‖z‖ = 2, z₁ = 0: 0 + 50/9 − ln 2
  ['u1', 0, 2, 50 / 9 - LN2],
  // ‖z‖ = 2, z₁ = 2: −ln(1 + e^{−½(4/0.6)²}) ≈ −e^{−200/9}
  ['u1', 2, 0, -Math.exp(-200 / 9)],
  // w₁(1) = sin(π/2) = 1: ½(1/0.4)² = 3.125
  ['u2', 1, 0, 3.125],
  // w₁(0) = 0: ½(0.4/0.4)² = 0.5
  ['u2', 0, 0.4, 0.5],
  // z = (1, 0): w₁ = 1, w₂ = 3: −ln(e^{−½(1/0.35)²} + e^{−½(2/0.35)²})
  ['u3', 1, 0, 0.5 / 0.35 ** 2 - Math.log1p(Math.exp((-0.5 * (4 - 1)) / 0.35 ** 2))],
  // z = 0: w₁ = 0, w₂ = 3e^{−½(1/0.6)²}: −ln(1 + e^{−½(w₂/0.35)²})
  ['u3', 0, 0, -Math.log1p(Math.exp(-0.5 * ((3 * Math.exp(-0.5 / 0.36)) / 0.35) ** 2))],
  // z = (1, 0): w₁ = 1, w₃ = 3σ(0) = 1.5: −ln(e^{−½(1/0.4)²} + e^{−½(0.5/0.35)²})
  ['u4', 1, 0, -Math.log(Math.exp(-3.125) + Math.exp(-0.5 * (0.5 / 0.35) ** 2))],
  // z = 0: w₁ = 0, w₃ = 3σ(−1/0.3): −ln(1 + e^{−½(w₃/0.35)²})
  ['u4', 0, 0, -Math.log1p(Math.exp(-0.5 * (3 / (1 + Math.exp(1 / 0.3)) / 0.35) ** 2))],
];

describe('energies U1–U4 (Table 1)', () => {
  it('tensor and host versions match hand values', () => {
    for (const [name, z1, z2, want] of HAND) {
      const t = tf.tidy(() => energy(name as 'u1', tf.tensor2d([z1, z2], [1, 2])));
      const got = t.dataSync()[0]!;
      t.dispose();
      expect(Math.abs(got - want), `${name}(${z1}, ${z2})`).toBeLessThan(1e-4 * Math.max(1, Math.abs(want)));
      expect(Math.abs(energyJs(name as 'u1', z1, z2) - want), `${name}(${z1}, ${z2}) host`).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(want)),
      );
    }
  });

  it('tensor version agrees with the host version on random points, all four energies', () => {
    const pts = Array.from({ length: 40 }, (_, i) => [Math.sin(i * 1.7) * 3.5, Math.cos(i * 2.3) * 3.5]);
    for (const name of ['u1', 'u2', 'u3', 'u4'] as const) {
      const t = tf.tidy(() => energy(name, tf.tensor2d(pts.flat(), [pts.length, 2])));
      const got = t.dataSync();
      t.dispose();
      pts.forEach(([a, b], i) =>
        expect(Math.abs(got[i]! - energyJs(name, a!, b!))).toBeLessThan(1e-3 * Math.max(1, Math.abs(got[i]!))),
      );
    }
  });
});

function meanLoss(model: EnergyModel, n: number): { m: number; se: number } {
  const t = model.lossN(n);
  const v = t.dataSync();
  t.dispose();
  return { m: mean(v), se: stderr(v) };
}

describe('reverse-KL fit', () => {
  it('U1 with 8 planar flows: 200 steps lower the loss clearly, and the loss stays ≥ −log Z', () => {
    const model = buildEnergy(energyIR('u1', 'planar', 8));
    const before = meanLoss(model, 4096);
    const trainer = createTrainer(model, { lr: 1e-2 });
    const dummy = tf.zeros([256, 2]);
    for (let s = 0; s < 200; s++) trainer.step(dummy);
    const after = meanLoss(model, 4096);
    const logZ = logPartition('u1');
    expect(before.m - after.m).toBeGreaterThan(5);
    expect(after.m).toBeGreaterThan(-logZ - 4 * after.se);
    // KL(q‖p) = loss + log Z: from ≈ 15 nats at initialisation to about 1
    expect(before.m + logZ).toBeGreaterThan(10);
    expect(after.m + logZ).toBeLessThan(1.2);
    dummy.dispose();
    trainer.dispose();
    model.dispose();
  });
});

describe('the fitted flow density', () => {
  for (const kind of ['planar', 'radial'] as const) {
    it(`${kind}: logProb(z_K) = log q_0(z_0) − Σ log|det| and ∫ q_K = 1`, () => {
      const model = build(energyIR('u2', kind, 4, 9)) as EnergyModel;
      perturb(model.variables, 0.8, 13);
      const z0 = model.base.sample(64, model.rng);
      const { x, logDet } = model.inverse(z0);
      const want = tf.tidy(() => tf.sub(model.base.logProb(z0), logDet));
      const got = model.logProb(x);
      const a = got.dataSync(),
        b = want.dataSync();
      for (let i = 0; i < 64; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(b[i]!)));
      // ∫ q_K over [−8, 8]² by the midpoint rule
      const G = 120,
        L = 8,
        h = (2 * L) / G;
      const grid = new Float32Array(G * G * 2);
      for (let i = 0; i < G; i++)
        for (let j = 0; j < G; j++) {
          grid[(i * G + j) * 2] = -L + (i + 0.5) * h;
          grid[(i * G + j) * 2 + 1] = -L + (j + 0.5) * h;
        }
      const lp = model.logProb(tf.tensor2d(grid, [G * G, 2]));
      let mass = 0;
      for (const v of lp.dataSync()) mass += Math.exp(v) * h * h;
      expect(Math.abs(mass - 1)).toBeLessThan(0.01);
      for (const t of [z0, x, logDet, want, got, lp]) t.dispose();
      model.dispose();
    });
  }
});
