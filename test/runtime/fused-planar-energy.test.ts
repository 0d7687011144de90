// The fused energies U1–U4 (runtime/energy/fused-targets.ts) against the tfjs version under autodiff
// (the oracle), on cpu and wasm; workload W5 (16 planar layers, U1, reverse KL) trains with the same
// losses fused and unfused; FLOWC_FUSE=0 turns fusion off; no tensors leak across steps.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';
import { energy, ENERGY_NAMES, type EnergyModel } from '../../runtime/energy/index.js';
import { energyFused, energyLossFused } from '../../runtime/energy/fused-targets.js';
import { useWasmBackend } from './helpers.js';
import { setConfig, withConfig } from '../../runtime/config.js';

useWasmBackend();

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / scale;
}

describe('fused energies = tfjs energies (values and autodiff gradients)', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const name of ENERGY_NAMES) {
      it(`${backend}: ${name}`, () => {
        tf.setBackend(backend);
        try {
          const N = 301;
          const pts = new Rng(7).normalArray(2 * N, 0, 2);
          pts[0] = 0;
          pts[1] = 0; // ‖z‖ = 0 for U1
          const before = tf.memory().numTensors;
          const [va, vb, ga, gb] = tf.tidy(() => {
            const z = tf.tensor2d(pts, [N, 2]),
              c = tf.tensor1d(new Rng(8).normalArray(N));
            const loss = (f: (z: tf.Tensor2D) => tf.Tensor1D) => (zz: tf.Tensor) =>
              tf.sum(tf.mul(f(zz as tf.Tensor2D), c)) as tf.Scalar;
            const ref = (zz: tf.Tensor2D) => energy(name, zz),
              fus = (zz: tf.Tensor2D) => energyFused(name, zz);
            return [ref(z), fus(z), tf.grad(loss(ref))(z), tf.grad(loss(fus))(z)].map((t) => Array.from(t.dataSync()));
          });
          expect(tf.memory().numTensors).toBe(before);
          expect(maxRelDiff(vb!, va!), 'U').toBeLessThan(2e-5);
          // U1's tfjs gradient at z = 0 is NaN (sqrt′(0) = ∞ times 0); the fused one is defined there
          const skip = name === 'u1' ? 2 : 0;
          expect(maxRelDiff(gb!.slice(skip), ga!.slice(skip)), '∂U/∂z').toBeLessThan(1e-4);
        } finally {
          tf.setBackend('cpu');
        }
      });
    }
  }
});

describe('fused reverse-KL loss = logQ0 − logDet + U (tfjs ops under autodiff)', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`${backend}: values and gradients for z, logDet and logQ0 (u3)`, () => {
      tf.setBackend(backend);
      try {
        const N = 64;
        const res = tf.tidy(() => {
          const z = tf.tensor2d(new Rng(3).normalArray(2 * N, 0, 2), [N, 2]);
          const ld = tf.tensor1d(new Rng(4).normalArray(N)),
            lq = tf.tensor1d(new Rng(5).normalArray(N));
          const c = tf.tensor1d(new Rng(6).normalArray(N));
          const ref = (a: tf.Tensor, b: tf.Tensor, q: tf.Tensor) =>
            tf.add(tf.sub(q, b), energy('u3', a as tf.Tensor2D));
          const fus = (a: tf.Tensor, b: tf.Tensor, q: tf.Tensor) =>
            energyLossFused('u3', a as tf.Tensor2D, b as tf.Tensor1D, q as tf.Tensor1D);
          const g = (f: typeof ref) =>
            tf.grads((a: tf.Tensor, b: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(a, b, q), c)) as tf.Scalar)([
              z,
              ld,
              lq,
            ]);
          return [ref(z, ld, lq), fus(z, ld, lq), ...g(ref), ...g(fus)].map((t) => Array.from(t.dataSync()));
        });
        expect(maxRelDiff(res[1]!, res[0]!), 'loss').toBeLessThan(2e-5);
        for (let i = 0; i < 3; i++) expect(maxRelDiff(res[5 + i]!, res[2 + i]!), `gradient ${i}`).toBeLessThan(1e-4);
      } finally {
        tf.setBackend('cpu');
      }
    });
  }
});

const W5_SPEC = fs.readFileSync(new URL('../../bench/specs/w5_planar.flow', import.meta.url), 'utf8');

function w5Model(fuse: boolean): EnergyModel {
  const { ir, diagnostics } = compileSource(W5_SPEC, 'w5_planar.flow');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const m = withConfig({ fuse }, () => build(ir!)) as unknown as EnergyModel;
  expect(m.fuse).toBe(fuse);
  return m;
}

describe('W5 (16 planar layers on U1) fused vs unfused', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`${backend}: same losses over training steps, no leaks`, () => {
      tf.setBackend(backend);
      const A = w5Model(false),
        B = w5Model(true);
      const ta = createTrainer(A, { lr: 1e-2 }),
        tb = createTrainer(B, { lr: 1e-2 });
      try {
        // the first gradients (same Rng draws in both models) agree for all 80 parameters
        const grad = (m: EnergyModel) =>
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => tf.mean(m.lossN(500)) as tf.Scalar, m.variables);
            return m.variables.flatMap((v) => Array.from(grads[v.name]!.dataSync()));
          });
        const gA = grad(A),
          gB = grad(B);
        expect(gA.length).toBe(80);
        expect(maxRelDiff(gB, gA), 'first gradient').toBeLessThan(2e-5);
        const x = tf.zeros([500, 2]);
        const la: number[] = [],
          lb: number[] = [];
        let tensors = 0;
        for (let s = 0; s < 6; s++) {
          la.push(ta.step(x));
          lb.push(tb.step(x));
          if (s === 1) tensors = tf.memory().numTensors;
        }
        expect(tf.memory().numTensors).toBe(tensors);
        for (let s = 0; s < la.length; s++)
          expect(Math.abs(lb[s]! - la[s]!), `step ${s}: ${lb[s]} vs ${la[s]}`).toBeLessThan(
            1e-4 * Math.max(1, Math.abs(la[s]!)),
          );
        // the parameters after training agree too (the gradients drove the same updates)
        const pa = A.variables.map((v) => Array.from(v.dataSync())).flat(),
          pb = B.variables.map((v) => Array.from(v.dataSync())).flat();
        expect(pa.length).toBe(80);
        expect(maxRelDiff(pb, pa)).toBeLessThan(1e-4);
        x.dispose();
      } finally {
        ta.dispose();
        tb.dispose();
        A.dispose();
        B.dispose();
        tf.setBackend('cpu');
      }
    });
  }

  it('fuse off (FLOWC_FUSE=0) builds unfused models; the default is fused', async () => {
    tf.setBackend('cpu');
    const prev = setConfig({ fuse: false });
    try {
      const { ir } = compileSource(W5_SPEC, 'w5_planar.flow');
      const off = build(ir!) as unknown as EnergyModel;
      setConfig({ fuse: true });
      const on = build(ir!) as unknown as EnergyModel;
      expect(off.fuse).toBe(false);
      expect(on.fuse).toBe(true);
      // the fused step is one host op per planar run and per energy: far fewer kernels
      const count = async (m: EnergyModel) => {
        const info = await tf.profile(() =>
          tf.tidy(() => tf.grads(() => tf.mean(m.lossN(50)) as tf.Scalar)(m.variables.slice(0, 1))),
        );
        for (const t of info.result as tf.Tensor[]) t.dispose();
        return info.kernels.length;
      };
      const kOn = await count(on),
        kOff = await count(off);
      expect(kOn).toBeGreaterThan(0);
      expect(kOn).toBeLessThan(kOff / 10);
      off.dispose();
      on.dispose();
    } finally {
      setConfig(prev);
    }
  });
});
