// The posterior flow's log-det against independent Jacobians: each amortized planar / radial
// layer with per-example parameters (autodiff and finite differences), and whole posterior
// chains (amortized and not, with coupling, IAF and permute layers) against autodiff.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildVae } from '../../runtime/vae/index.js';
import { planarStep, radialStep, amortizedSize } from '../../runtime/vae/amortized.js';
import { runPosterior } from '../../runtime/vae/posterior.js';
import { fdJacobians, layer, logAbsDet, made, mlp, perturb, randn, rowJacobians, vaeIR } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Step = (z: tf.Tensor2D, raw: tf.Tensor2D) => { z: tf.Tensor2D; logDet: tf.Tensor1D };

function checkStep(name: string, step: Step, D: number, rawScale: number, seed: number): void {
  const N = 6;
  const P = amortizedSize(name, D);
  const raw = randn([N, P], seed, rawScale) as tf.Tensor2D;
  const z = randn([N, D], seed + 100, 1.5) as tf.Tensor2D;
  const f = (zz: tf.Tensor2D) => step(zz, raw).z;
  const J = rowJacobians(f, z);
  const Jfd = fdJacobians(f, z.dataSync() as Float32Array, N, D);
  const ld = tf.tidy(() => step(z, raw).logDet);
  const got = ld.dataSync();
  // the parameters really differ per example: the log-dets of the same z under other rows' parameters differ
  const spread = Math.max(...got) - Math.min(...got);
  expect(spread).toBeGreaterThan(1e-3);
  for (let n = 0; n < N; n++) {
    const want = logAbsDet(J[n]!);
    const wantFd = logAbsDet(Jfd[n]!);
    expect(Number.isFinite(got[n]!)).toBe(true);
    expect(Math.abs(got[n]! - want)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want)));
    expect(Math.abs(got[n]! - wantFd)).toBeLessThan(5e-3 * Math.max(1, Math.abs(wantFd)));
  }
  for (const t of [raw, z, ld]) t.dispose();
}

describe('amortized layers: per-example log-det = log|det ∂f/∂z| (autodiff and finite differences)', () => {
  for (const D of [1, 2, 5]) {
    for (const scale of [0.5, 2]) {
      it(`planar (tanh), D = ${D}, raw parameters ~ N(0, ${scale}²)`, () =>
        checkStep('planar', (z, r) => planarStep(z, r, 'tanh'), D, scale, 10 + D));
      it(`planar (softplus), D = ${D}, raw ~ N(0, ${scale}²)`, () =>
        checkStep('planar', (z, r) => planarStep(z, r, 'softplus'), D, scale, 20 + D));
      it(`radial, D = ${D}, raw ~ N(0, ${scale}²)`, () =>
        checkStep('radial', (z, r) => radialStep(z, r), D, scale, 30 + D));
    }
  }
});

describe('posterior chain: Σ_k log|det ∂f_k/∂z_{k−1}| = log|det ∂z_K/∂z_0|', () => {
  const D = 3;
  const chains = {
    'amortized planar, radial, planar, radial': {
      amortized: true,
      post: [layer('planar', D, 0), layer('radial', D, 1), layer('planar', D, 2), layer('radial', D, 3)],
    },
    'non-amortized planar, radial (own variables)': {
      amortized: false,
      post: [layer('planar', D, 0), layer('radial', D, 1), layer('planar', D, 2)],
    },
    'amortized planar with IAF, coupling and permute': {
      amortized: true,
      post: [
        layer('planar', D, 0),
        layer('iaf', D, 1, { order: [0, 1, 2], net: made(8) }),
        layer('permute', D, 2, { perm: [2, 0, 1] }),
        layer('coupling', D, 3, {
          type: 'affine',
          mask: [1, 0, 1],
          maskKind: 'alternate',
          net: mlp('tanh', 6),
          scale: 'tanh',
        }),
        layer('radial', D, 4),
      ],
    },
  };
  for (const [name, c] of Object.entries(chains)) {
    it(name, () => {
      const model = buildVae(vaeIR({ D: 4, Dz: D, ...c }));
      perturb(model.variables, 0.5);
      const N = 5;
      const enc = randn([N, model.encoderOut], 41, 1) as tf.Tensor2D;
      const z0 = randn([N, D], 42, 1.2) as tf.Tensor2D;
      const f = (z: tf.Tensor2D) => runPosterior(model.steps, z, enc).z;
      const J = rowJacobians(f, z0);
      const ld = tf.tidy(() => runPosterior(model.steps, z0, enc).sumLogDet);
      const got = ld.dataSync();
      let nonTrivial = 0;
      for (let n = 0; n < N; n++) {
        const want = logAbsDet(J[n]!);
        nonTrivial = Math.max(nonTrivial, Math.abs(want));
        expect(Math.abs(got[n]! - want)).toBeLessThan(2e-4 * Math.max(1, Math.abs(want)));
      }
      expect(nonTrivial).toBeGreaterThan(1e-2);
      for (const t of [enc, z0, ld]) t.dispose();
      model.dispose();
    });
  }
});
