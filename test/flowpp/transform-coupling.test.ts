// Mixture-of-logistics (Flow++) and rational-quadratic spline couplings, compiled from specs:
// log-det = log|det J| of the autodiff Jacobian; inverse∘forward = id with log-dets summing to 0,
// including inputs at ±20 σ of the data (the mixture's tails, the spline's identity tails) and inputs
// exactly on the spline's bin edges; every mask kind; parameter counts against the built variables.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { irOf } from './helpers.js';
import { build } from '../../runtime/build.js';
import type { FlowModel } from '../../runtime/model.js';
import { jacobian, logAbsDet, maxAbsDiff, perturb, randn } from '../runtime/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mix = (mask: string, net = 'mlp(16)', k = 3) => `coupling(logistic_mixture, k: ${k}, mask: ${mask}, net: ${net})`;
const spl = (mask: string, net = 'mlp(16)') => `coupling(spline, bins: 5, bound: 2, mask: ${mask}, net: ${net})`;

const CASES: { name: string; data: string; flow: string }[] = [
  { name: 'mixture, vector, alternate', data: 'real[4]', flow: mix('alternate') },
  { name: 'mixture, vector, literal mask', data: 'real[3]', flow: mix('[1, 0, 0]') },
  {
    name: 'mixture, image, checkerboard, resnet',
    data: 'real[2, 2, 2]',
    flow: mix('checkerboard', 'resnet(blocks: 1, channels: 4)'),
  },
  {
    name: 'mixture, image, channel, resnet',
    data: 'real[2, 2, 2]',
    flow: mix('channel', 'resnet(blocks: 1, channels: 4)', 2),
  },
  { name: 'spline, vector, half', data: 'real[4]', flow: spl('half') },
  { name: 'spline, image, checkerboard, mlp', data: 'real[1, 2, 2]', flow: spl('checkerboard') },
  {
    name: 'spline, image, channel, resnet',
    data: 'real[2, 2, 2]',
    flow: spl('!channel', 'resnet(blocks: 1, channels: 4)'),
  },
  {
    name: 'mixture and spline in a level',
    data: 'real[1, 4, 4]',
    flow: `level { ${mix('checkerboard', 'resnet(blocks: 1, channels: 4)', 2)}\n ${spl('!checkerboard', 'mlp(8)')} }`,
  },
];

/**
 * Parameter noise 0.2: conditioner outputs of order one. (Much larger noise gives mixtures whose CDF is flat
 * over a wide range, e.g. a component with log-scale 50: there float32 cannot tell the inputs apart, in
 * either direction, and no inverse can round-trip; that is conditioning, not the bisection's tolerance.)
 */
function modelOf(c: { data: string; flow: string }, noise = 0.2): FlowModel {
  const model = build(irOf(c.data, c.flow));
  perturb(model, noise, 11);
  return model;
}

describe('log-det = log|det J| of the autodiff Jacobian', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const model = modelOf(c);
      const shape = model.ir.data.shape;
      for (const [seed, std] of [
        [1, 1],
        [2, 2.5],
      ] as const) {
        const x = randn([1, ...shape], seed, std);
        const J = jacobian((xx) => model.forward!(xx).z, x);
        const want = logAbsDet(J);
        const got = tf.tidy(() => model.forward!(x).logDet.dataSync()[0]!);
        expect(Number.isFinite(got)).toBe(true);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(want)));
        x.dispose();
      }
      model.dispose();
    });
  }
});

/** |x − f⁻¹(f(x))| ≤ TOL·(1 + |x|) and |ld_f + ld_f⁻¹| ≤ TOL·(1 + |ld|): the stated round-trip tolerance (float32) */
const TOL = 1e-4;

function roundTrip(model: FlowModel, x: tf.Tensor): void {
  const { z, logDet } = model.forward!(x);
  const back = model.inverse!(z);
  const xs = x.dataSync(),
    bs = back.x.dataSync();
  for (let i = 0; i < xs.length; i++)
    expect(Math.abs(bs[i]! - xs[i]!)).toBeLessThanOrEqual(TOL * (1 + Math.abs(xs[i]!)));
  const f = logDet.dataSync(),
    g = back.logDet.dataSync();
  for (let i = 0; i < f.length; i++) expect(Math.abs(f[i]! + g[i]!)).toBeLessThanOrEqual(TOL * (1 + Math.abs(f[i]!)));
  tf.dispose([z, logDet, back.x, back.logDet]);
}

describe('inverse(forward(x)) = x, log-dets sum to 0 (tolerance 1e-4·(1 + |x|))', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const model = modelOf(c);
      const x = randn([6, ...model.ir.data.shape], 3, 1.5);
      roundTrip(model, x);
      x.dispose();
      model.dispose();
    });
  }

  it('in the tails: inputs at ±20 σ of the data (mixture and spline)', () => {
    for (const c of [CASES[0]!, CASES[4]!]) {
      const model = modelOf(c, 0.3);
      const D = model.ir.data.shape[0]!;
      // the transformed elements (odd positions of the alternate/half masks' complements) far out, the
      // conditioning ones of order one, so the transform's parameters stay those of the data
      const model0 = model.ir.flow![0]!.args as { mask: number[] };
      const rows = [20, -20, 12, -7.5].map((v, r) =>
        Array.from({ length: D }, (_, i) => (model0.mask[i] === 0 ? v * (i % 2 ? 1 : -1) : 0.5 - 0.3 * r)),
      );
      const x = tf.tensor2d(rows);
      const z = model.forward!(x).z;
      expect(Array.from(z.dataSync()).every(Number.isFinite)).toBe(true);
      roundTrip(model, x);
      tf.dispose([x, z]);
      model.dispose();
    }
  });
});

describe('spline: identity tails, the bin edges, monotone', () => {
  it('outside [−B, B] the spline is the identity; inside it is not (once trained parameters are not zero)', () => {
    const model = modelOf(
      { data: 'real[2]', flow: 'coupling(spline, bins: 4, bound: 1.5, mask: [1, 0], net: mlp(8))' },
      1,
    );
    const x = tf.tensor2d([
      [0.3, 1.7],
      [0.3, -9],
      [0.3, 0.4],
      [-2, 0.9],
    ]);
    const { z, logDet } = model.forward!(x);
    const zs = z.dataSync(),
      ld = logDet.dataSync();
    expect(zs[1]).toBeCloseTo(1.7, 6);
    expect(zs[3]).toBeCloseTo(-9, 6);
    expect(ld[0]).toBe(0);
    expect(ld[1]).toBe(0);
    expect(Math.abs(zs[5]! - 0.4)).toBeGreaterThan(1e-3);
    tf.dispose([x, z, logDet]);
    model.dispose();
  });

  it('round trip exactly on every knot (the bin edges, both ends) and the map is increasing', async () => {
    const { SplineTransform } = await import('../../runtime/bijectors/transforms/spline.js');
    const K = 5,
      B = 2;
    const t = new SplineTransform(K, B);
    const p = randn([1, 3 * K - 1], 5, 1.5);
    // the knots: the forward images of the x-knots are the y-knots; take the x-knots from the inverse of the y-knots
    const grid = tf.linspace(-B, B, 401);
    const fw = t.forward(grid, tf.tile(p, [401, 1]));
    const y = fw.out.dataSync();
    for (let i = 1; i < y.length; i++) expect(y[i]!).toBeGreaterThan(y[i - 1]!);
    expect(y[0]).toBeCloseTo(-B, 5);
    expect(y[400]).toBeCloseTo(B, 5);
    // knot positions from the parameters, as the transform computes them (softmax widths, min bin 1e-3)
    const w = tf.softmax(tf.slice(p, [0, 0], [1, K])).dataSync();
    const knots = [-B];
    let acc = 0;
    for (let k = 0; k < K; k++) {
      acc += 1e-3 + (1 - 1e-3 * K) * w[k]!;
      knots.push(k + 1 === K ? B : -B + 2 * B * acc);
    }
    const kx = tf.tensor1d(knots);
    const pk = tf.tile(p, [knots.length, 1]);
    const f = t.forward(kx, pk);
    const back = t.inverse(f.out, pk);
    expect(maxAbsDiff(back.out.dataSync(), knots)).toBeLessThan(TOL * (1 + B));
    expect(maxAbsDiff(tf.add(f.ld, back.ld).dataSync(), new Float32Array(knots.length))).toBeLessThan(TOL);
    tf.dispose([p, grid, fw.out, fw.ld, kx, pk, f.out, f.ld, back.out, back.ld]);
  });
});

describe('parameters: the registry counts what the runtime builds', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const ir = irOf(c.data, c.flow);
      const model = build(ir);
      const built = model.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0);
      expect(built).toBe(ir.totals.params);
      model.dispose();
    });
  }
});

describe('maf(…, transform: spline(bins, bound)) (autoregressive Neural Spline Flow)', () => {
  const flow = 'maf([12], order: reverse, transform: spline(bins: 4, bound: 2.5))';
  it('log-det = log|det J|, and the Jacobian is triangular in the order', () => {
    const model = modelOf({ data: 'real[4]', flow }, 0.3);
    const x = randn([1, 4], 9, 1.5);
    const J = jacobian((xx) => model.forward!(xx).z, x);
    // reverse order: z_i depends on x_j only for j ≥ i
    for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) expect(J[i]![j]).toBe(0);
    const got = tf.tidy(() => model.forward!(x).logDet.dataSync()[0]!);
    expect(Math.abs(got - logAbsDet(J))).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(got)));
    x.dispose();
    model.dispose();
  });
  it('sampling (D passes) inverts the density direction, tails included', () => {
    // parameter noise 0.1: inputs of 20 feed the MADE, and noisier weights turn that into near-flat bins
    const model = modelOf({ data: 'real[4]', flow }, 0.1);
    const x = tf.concat([
      randn([4, 4], 4, 1),
      tf.tensor2d([
        [20, -20, 1, 0.5],
        [0.2, 9, -9, -20],
      ]),
    ]);
    roundTrip(model, x);
    x.dispose();
    model.dispose();
  });
  it('parameters: 3·bins − 1 MADE outputs per dimension, as the registry counts', () => {
    const ir = irOf('real[4]', flow);
    const model = build(ir);
    expect(model.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0)).toBe(ir.totals.params);
    expect(ir.totals.params).toBe(4 * 12 + 12 + 12 * 11 * 4 + 11 * 4);
    model.dispose();
  });
});
