// Amortized parameters respect the invertibility constraints for every example: planar wᵀû ≥ −1,
// radial α ≥ 0 and β ≥ −α — on random raw rows (including extreme and degenerate ones) and on
// encoder outputs of a VAE whose weights and inputs are blown up.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildVae } from '../../runtime/vae/index.js';
import { planarParams, planarStep, radialParams, radialStep } from '../../runtime/vae/amortized.js';
import { Rng } from '../../runtime/rng.js';
import { layer, mlp, perturb, vaeIR } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** rows of raw planar parameters [u, w, b]: random at many scales plus degenerate cases */
function planarRows(D: number): number[][] {
  const rng = new Rng(99);
  const rows: number[][] = [];
  for (const s of [1e-3, 0.1, 1, 10, 100, 1e3])
    for (let k = 0; k < 6; k++) rows.push(Array.from({ length: 2 * D + 1 }, () => s * rng.normal()));
  const w = Array.from({ length: D }, () => rng.normal());
  rows.push([...w.map((v) => -50 * v), ...w, 0.3]); // u = −50 w: wᵀu ≪ −1
  rows.push([...w.map((v) => -1e4 * v), ...w, -2]); // wᵀu ≈ −1e4‖w‖²
  rows.push([...w.map((v) => 3 * v), ...new Array(D).fill(0), 1]); // w = 0
  rows.push([...w.map((v) => 1e3 * v), ...w.map((v) => 1e-6 * v), 0]); // tiny w, large u
  // wᵀu = −‖w‖·… on the unit sphere
  rows.push([...w.map((v) => -1 * v), ...w.map((v) => v / Math.sqrt(w.reduce((a, b) => a + b * b, 0))), 0]);
  return rows;
}

describe('planar: wᵀû ≥ −1 for every example', () => {
  for (const D of [1, 2, 7]) {
    it(`D = ${D}: random rows at scales 1e-3..1e3 and degenerate rows`, () => {
      const rows = planarRows(D);
      const raw = tf.tensor2d(rows.flat(), [rows.length, 2 * D + 1]);
      const p = tf.tidy(() => planarParams(raw, D));
      const uh = p.uHat.dataSync(),
        w = p.w.dataSync(),
        wu = p.wu.dataSync();
      for (let n = 0; n < rows.length; n++) {
        let dot = 0,
          nu = 0,
          nw = 0;
        for (let d = 0; d < D; d++) {
          dot += w[n * D + d]! * uh[n * D + d]!;
          nu += uh[n * D + d]! ** 2;
          nw += w[n * D + d]! ** 2;
        }
        // float32 rounding of û allows an error of a few ulps of ‖w‖‖û‖
        const tol = 1e-5 * (1 + Math.sqrt(nu * nw));
        expect(dot, `row ${n}`).toBeGreaterThanOrEqual(-1 - tol);
        expect(wu[n]!, `row ${n}`).toBeGreaterThanOrEqual(-1 - tol);
        expect(Number.isFinite(uh[n * D]!)).toBe(true);
        // the reparameterization itself, recomputed in float64 for moderate rows
        const r = rows[n]!;
        let wu0 = 0,
          w2 = 0;
        for (let d = 0; d < D; d++) {
          wu0 += r[d]! * r[D + d]!;
          w2 += r[D + d]! ** 2;
        }
        if (w2 > 1e-6 && Math.abs(wu0) < 50) {
          const m = -1 + Math.log1p(Math.exp(wu0));
          for (let d = 0; d < D; d++) {
            const want = r[d]! + ((m - wu0) * r[D + d]!) / w2;
            expect(Math.abs(uh[n * D + d]! - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
          }
        }
      }
      // and the layer stays finite and invertible-looking: 1 + h′·wᵀû ≥ 0 ⇒ finite log-det
      const z = new Rng(5).normalTensor([rows.length, D], 0, 3) as tf.Tensor2D;
      const ld = tf.tidy(() => planarStep(z, raw, 'tanh').logDet);
      for (const v of ld.dataSync()) expect(Number.isFinite(v)).toBe(true);
      for (const t of [raw, p.uHat, p.w, p.b, p.wu, z, ld]) t.dispose();
    });
  }
});

describe('radial: α ≥ 0 and β ≥ −α for every example', () => {
  it('random rows at scales 1e-3..1e3', () => {
    const D = 3;
    const rng = new Rng(7);
    const rows: number[] = [];
    let n = 0;
    for (const s of [1e-3, 1, 10, 100, 1e3])
      for (let k = 0; k < 8; k++, n++) rows.push(...Array.from({ length: D + 2 }, () => s * rng.normal()));
    rows.push(0, 0, 0, -80, -80, 0, 0, 0, 30, -200);
    n += 2;
    const raw = tf.tensor2d(rows, [n, D + 2]);
    const p = tf.tidy(() => radialParams(raw, D));
    const a = p.alpha.dataSync(),
      b = p.beta.dataSync();
    for (let i = 0; i < n; i++) {
      expect(a[i]!).toBeGreaterThanOrEqual(0);
      expect(b[i]!, `row ${i}`).toBeGreaterThanOrEqual(-a[i]!);
    }
    // β = −α exactly reachable only in the limit; a strongly negative β̂ gives β ≈ −α
    expect(b[n - 1]! + a[n - 1]!).toBeLessThan(1e-6);
    const z = new Rng(8).normalTensor([n, D], 0, 2) as tf.Tensor2D;
    const ld = tf.tidy(() => radialStep(z, raw).logDet);
    for (const v of ld.dataSync()) expect(Number.isNaN(v)).toBe(false);
    for (const t of [raw, p.z0, p.alpha, p.beta, z, ld]) t.dispose();
  });
});

describe('constraints hold on encoder outputs', () => {
  it('a VAE with amortized planar and radial layers, blown-up encoder weights and inputs', () => {
    const Dz = 3;
    const model = buildVae(
      vaeIR({
        D: 5,
        Dz,
        amortized: true,
        encoder: mlp('relu', 8),
        post: [layer('planar', Dz, 0), layer('radial', Dz, 1), layer('planar', Dz, 2), layer('radial', Dz, 3)],
      }),
    );
    perturb(model.variables, 3, 11);
    const rng = new Rng(12);
    for (const scale of [1, 30, 1000]) {
      const x = rng.normalTensor([64, 5], 0, scale);
      const enc = model.encode(x);
      const E = enc.shape[1];
      expect(E).toBe(2 * Dz + 2 * (2 * Dz + 1) + 2 * (Dz + 2));
      let extreme = 0;
      for (const s of model.steps) {
        const raw = tf.slice(enc, [0, s.offset], [64, s.nParams]) as tf.Tensor2D;
        extreme = Math.max(extreme, tf.tidy(() => tf.max(tf.abs(raw))).dataSync()[0]!);
        if (s.kind === 'planar') {
          const p = tf.tidy(() => planarParams(raw, Dz));
          const uh = p.uHat.dataSync(),
            w = p.w.dataSync();
          for (let n = 0; n < 64; n++) {
            let dot = 0,
              nu = 0,
              nw = 0;
            for (let d = 0; d < Dz; d++) {
              dot += w[n * Dz + d]! * uh[n * Dz + d]!;
              nu += uh[n * Dz + d]! ** 2;
              nw += w[n * Dz + d]! ** 2;
            }
            expect(dot).toBeGreaterThanOrEqual(-1 - 1e-5 * (1 + Math.sqrt(nu * nw)));
          }
          for (const t of [p.uHat, p.w, p.b, p.wu]) t.dispose();
        } else {
          const p = tf.tidy(() => radialParams(raw, Dz));
          const a = p.alpha.dataSync(),
            b = p.beta.dataSync();
          for (let n = 0; n < 64; n++) {
            expect(a[n]!).toBeGreaterThanOrEqual(0);
            expect(b[n]!).toBeGreaterThanOrEqual(-a[n]!);
          }
          for (const t of [p.z0, p.alpha, p.beta]) t.dispose();
        }
        raw.dispose();
      }
      if (scale === 1000) expect(extreme).toBeGreaterThan(100); // the extreme regime was reached
      x.dispose();
      enc.dispose();
    }
    model.dispose();
  });
});
