// Every layer kind: log-det = log|det J| of the autodiff Jacobian; inverse∘forward = id with
// log-dets summing to 0. Also the whole multi-scale model.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { Rng } from '../../runtime/rng.js';
import { jacobian, logAbsDet, maxAbsDiff, perturb } from './helpers.js';
import { layerCases, multiScaleIR, type Case } from './cases.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function input(c: Case, n: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const shape = [n, ...c.ir.data.shape];
  return c.range ? rng.uniformTensor(shape, c.range[0], c.range[1]) : rng.normalTensor(shape);
}

const cases: Case[] = [
  ...layerCases(),
  { name: 'multi-scale model (fixed split)', ir: multiScaleIR('fixed'), noise: 0.1 },
  { name: 'multi-scale model (conditional split)', ir: multiScaleIR('conditional'), noise: 0.1 },
];

describe('log-det equals log|det J| (autodiff Jacobian)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const model = build(c.ir);
      perturb(model, c.noise ?? 0.3);
      for (const seed of [1, 2]) {
        const x = input(c, 1, seed);
        const f = (xx: tf.Tensor) => model.forward!(xx).z;
        const J = jacobian(f, x);
        expect(J.length).toBe(J[0].length);
        const want = logAbsDet(J);
        const ld = tf.tidy(() => model.forward!(x).logDet);
        const got = ld.dataSync()[0];
        expect(Number.isFinite(got)).toBe(true);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
        ld.dispose();
        x.dispose();
      }
      model.dispose();
    });
  }
});

describe('inverse(forward(x)) = x and the log-dets sum to 0', () => {
  for (const c of cases) {
    it(c.name, () => {
      const model = build(c.ir);
      perturb(model, c.noise ?? 0.3);
      const x = input(c, 5, 3);
      const before = tf.memory().numTensors;
      const { z, logDet } = model.forward!(x);
      const back = model.inverse!(z);
      expect(back.x.shape).toEqual(x.shape);
      expect(maxAbsDiff(back.x.dataSync(), x.dataSync())).toBeLessThan(2e-4);
      const sum = tf.add(logDet, back.logDet);
      expect(maxAbsDiff(sum.dataSync(), new Float32Array(5))).toBeLessThan(2e-4);
      // and the log-dets are not trivially zero where the layer changes volume
      tf.dispose([z, logDet, back.x, back.logDet, sum]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  }
});
