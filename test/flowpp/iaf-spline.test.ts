// iaf(…, transform: spline(bins, bound)): the autoregressive Neural Spline Flow in its sampling-closed form.
// Oracles: log-det = log|det J| of the autodiff Jacobian in both directions (density: D passes of the spline's
// closed-form inverse; sampling: one closed-form pass), the Jacobian triangular in the order, round trips at
// the outer bin edges ±B, just inside and outside them and in the identity tails (±20 σ), parameter counts,
// the IR and `explain`, the PyTorch target refusing it by name, and a VAE posterior (amortized or not) using it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { buildVae } from '../../runtime/vae/index.js';
import type { FlowModel } from '../../runtime/model.js';
import { explain } from '../../compiler/explain.js';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { unsupportedConstructs } from '../../compiler/targets/pytorch/supported.js';
import { jacobian, logAbsDet, perturb, randn } from '../runtime/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 2.5;
const FLOW = `iaf([12], order: reverse, transform: spline(bins: 4, bound: ${B}))`;

/** an IAF is refused in a density model (FC510): the flow of an energy fit, which samples through it */
function irOf(data: string, flow: string): FlowIR {
  const text = `model M {\n  latent z: ${data}\n  prior normal\n  flow {\n${flow}\n  }\n  target energy(u1)\n}\n`;
  const r = compileSource(text, 'm.flow');
  if (!r.ir) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.ir;
}

function modelOf(noise: number, seed = 11): FlowModel {
  const model = build(irOf('real[2]', FLOW));
  perturb(model, noise, seed);
  return model;
}

/** the float32 round-trip tolerance: |x − f⁻¹(f(x))| ≤ TOL·(1 + |x|), |ld_f + ld_f⁻¹| ≤ TOL·(1 + |ld|) */
const TOL = 1e-4;

function roundTrips(model: FlowModel, x: tf.Tensor): void {
  // density direction first (D passes), then sampling (one pass) back, and the other way round
  const { z, logDet } = model.forward!(x);
  const back = model.inverse!(z);
  const xs = x.dataSync(),
    bs = back.x.dataSync();
  for (let i = 0; i < xs.length; i++)
    expect(Math.abs(bs[i]! - xs[i]!)).toBeLessThanOrEqual(TOL * (1 + Math.abs(xs[i]!)));
  const f = logDet.dataSync(),
    g = back.logDet.dataSync();
  for (let i = 0; i < f.length; i++) expect(Math.abs(f[i]! + g[i]!)).toBeLessThanOrEqual(TOL * (1 + Math.abs(f[i]!)));
  const s = model.inverse!(x);
  const again = model.forward!(s.x).z.dataSync();
  for (let i = 0; i < xs.length; i++)
    expect(Math.abs(again[i]! - xs[i]!)).toBeLessThanOrEqual(TOL * (1 + Math.abs(xs[i]!)));
  tf.dispose([z, logDet, back.x, back.logDet, s.x, s.logDet]);
}

describe('iaf(…, transform: spline(bins, bound))', () => {
  it('density direction: log-det = log|det J| of the autodiff Jacobian, triangular in the order', () => {
    const model = modelOf(0.3);
    for (const seed of [9, 10]) {
      const x = randn([1, 2], seed, 1.5);
      const J = jacobian((xx) => model.forward!(xx).z, x);
      // reverse order: z_1 = g⁻¹(x_1) alone, z_0 depends on both
      expect(J[1]![0]).toBe(0);
      expect(Math.abs(J[0]![1]!)).toBeGreaterThan(0);
      const got = tf.tidy(() => model.forward!(x).logDet.dataSync()[0]!);
      expect(Math.abs(got - logAbsDet(J))).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(got)));
      expect(Math.abs(got)).toBeGreaterThan(1e-2); // not the identity: the oracle can fail
      x.dispose();
    }
    model.dispose();
  });

  it('sampling direction (closed form): log-det = log|det J| of the autodiff Jacobian', () => {
    const model = modelOf(0.3);
    const z = randn([1, 2], 12, 1.5);
    const J = jacobian((zz) => model.inverse!(zz).x, z);
    const got = tf.tidy(() => model.inverse!(z).logDet.dataSync()[0]!);
    expect(Math.abs(got - logAbsDet(J))).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(got)));
    z.dispose();
    model.dispose();
  });

  it('round trips both ways: random inputs, the outer bin edges ±B (just inside and out), tails at ±20', () => {
    const model = modelOf(0.1);
    const e = 1e-3;
    const x = tf.concat([
      randn([4, 2], 4, 1),
      tf.tensor2d([
        [B, -B],
        [-B, B],
        [B - e, -B + e],
        [B + e, -B - e],
        [20, -20],
        [0.5, 20],
        [-20, -0.3],
      ]),
    ]);
    roundTrips(model, x);
    x.dispose();
    model.dispose();
  });

  it('outside [−B, B] in every dimension it is the identity with log-det 0', () => {
    const model = modelOf(0.5);
    const x = tf.tensor2d([
      [20, -20],
      [3, -3],
    ]);
    const s = model.inverse!(x);
    expect(Array.from(s.x.dataSync())).toEqual([20, -20, 3, -3]);
    expect(Array.from(s.logDet.dataSync())).toEqual([0, 0]);
    model.dispose();
  });

  it('parameters: 3·bins − 1 MADE outputs per dimension, as the registry counts', () => {
    const ir = irOf('real[2]', FLOW);
    const model = build(ir);
    expect(model.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0)).toBe(ir.totals.params);
    expect(ir.totals.params).toBe(2 * 12 + 12 + 12 * 11 * 2 + 11 * 2);
    model.dispose();
  });

  it('FlowIR carries the transform; explain shows the spline term and the directions', () => {
    const ir = irOf('real[2]', FLOW);
    const l = ir.flow![0]!;
    expect(l.args).toMatchObject({ transform: { kind: 'spline', bins: 4, bound: B } });
    expect(l.directions).toEqual({ density: 'sequential', sample: 'closed' });
    expect(l.logDet).toContain('rational-quadratic spline on [−2.5, 2.5] (4 bins)');
    expect(l.logDet.startsWith('Σ_i log g′_i(z_i)')).toBe(true);
    expect(explain(ir)).toContain('rational-quadratic spline');
  });

  it('the PyTorch target refuses it by name', () => {
    const ir = irOf('real[2]', FLOW);
    expect(unsupportedConstructs(ir).map((u) => u.construct)).toEqual(['iaf(transform: …)']);
  });
});

describe('iaf(…, transform: spline) in a VAE posterior (where an IAF samples)', () => {
  for (const amortized of [false, true]) {
    it(`posterior flow(amortized: ${amortized}): builds, the registry counts its variables, the ELBO is finite`, () => {
      const text =
        'model V {\n  data x: binary[6]\n  latent z: real[3]\n  prior normal\n  encoder mlp(8)\n' +
        `  posterior flow(amortized: ${amortized}) {\n    iaf([8], transform: spline(bins: 3, bound: 2))\n` +
        '    permute(reverse)\n    iaf([8], transform: spline(bins: 3, bound: 2))\n  }\n' +
        '  decoder mlp(8)\n  likelihood bernoulli\n}\n';
      const r = compileSource(text, 'v.flow');
      if (!r.ir) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
      const vae = buildVae(r.ir);
      const trainable = vae.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0);
      expect(trainable).toBe(r.ir.totals.params);
      const x = tf.tensor2d([
        [1, 0, 1, 1, 0, 0],
        [0, 0, 1, 0, 1, 1],
      ]);
      const elbo = Array.from(vae.elbo(x).dataSync());
      expect(elbo.every((v) => Number.isFinite(v) && v < 0)).toBe(true);
      vae.dispose();
    });
  }
});
