// Variational dequantization conditioned on x (Flow++ §3.1): the nested flow's couplings receive a context
// computed from x; the importance-weighted estimate is ≥ the single-sample bound; and over all
// configurations of a tiny discrete model Σ_x E[exp(IW_K(x))] = Σ_x P(x) ≤ 1 (the model's mass inside the
// dequantization cells), estimated here by averaging over many independent draws.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import type { FlowModelImpl } from '../../runtime/flow-model.js';
import { dequantEstimates } from '../../runtime/dequant-eval.js';
import { perturb } from '../runtime/helpers.js';
import { irOf } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const FLOW = `
    dequantize(variational, net: mlp(8), features: 3) {
      coupling(logistic_mixture, k: 2, mask: [1, 0], net: mlp(8))
      coupling(affine, mask: [0, 1], net: mlp(8))
    }
    logit(alpha: 0.05)
    coupling(spline, bins: 4, bound: 3, mask: [1, 0], net: mlp(8))
    coupling(affine, mask: [0, 1], net: mlp(8))`;

describe('x-conditioned variational dequantization', () => {
  it('the nested couplings read a context from x: their conditioners take 3 more inputs (registry count)', () => {
    const ir = irOf('discrete(3)[2]', FLOW);
    const dq = ir.flow![0]!;
    expect(dq.kind).toBe('dequantize');
    const inner = (dq.args as { flow: { params: { name: string; shape: number[] }[] }[] }).flow;
    // coupling 0: mask [1, 0] on D = 2 → the mlp reads 2 + 3 (context) inputs
    expect(inner[0]!.params.find((p) => p.name === 'net.0.W')!.shape).toEqual([5, 8]);
    const model = build(ir);
    expect(model.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0)).toBe(ir.totals.params);
    model.dispose();
  });

  it('q depends on x through the context: changing the conditioning net changes log q for a fixed noise draw', () => {
    const model = build(irOf('discrete(3)[2]', FLOW));
    perturb(model, 0.5, 3);
    const x = tf.tensor2d([
      [0, 2],
      [0, 2],
    ]);
    const state = model.rng!.getState();
    const a = model.logProb(x).dataSync()[0]!;
    const ctxW = (model as FlowModelImpl).namedVariables().get('flow.0.dequantize.q.cond.1.W')!;
    // context outputs only
    tf.tidy(() => ctxW.assign(tf.add(ctxW, tf.mul(tf.oneHot(tf.fill([8], 5, 'int32'), 7), 0.7))));
    model.rng!.setState(state);
    const b = model.logProb(x).dataSync()[0]!;
    expect(Math.abs(a - b)).toBeGreaterThan(1e-4);
    x.dispose();
    model.dispose();
  });

  it('IW ≥ bound per example; Σ over all 9 configurations of E[exp(IW_K)] = Σ P(x) ≤ 1 (within 4 std. errors)', () => {
    const model = build(irOf('discrete(3)[2]', FLOW)) as FlowModelImpl;
    perturb(model, 0.15, 5);
    // oracle: Σ_x P(x) = ∫_[0,1]² p_v(v) dv, the density of the layers after the dequantization, by the midpoint
    // rule on a 200 × 200 grid
    const G = 200;
    const grid = new Float32Array(G * G * 2);
    for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) grid.set([(i + 0.5) / G, (j + 0.5) / G], (i * G + j) * 2);
    const exact = tf.tidy(() => {
      let h: tf.Tensor = tf.tensor2d(grid, [G * G, 2]);
      let ld: tf.Tensor = tf.zeros([G * G]);
      for (const b of model.bijectors.slice(1)) {
        const r = b.forward(h);
        h = r.y;
        ld = tf.add(ld, r.logDet);
      }
      return tf.sum(tf.exp(tf.add(ld, model.prior.logProb(h as tf.Tensor2D)))).dataSync()[0]! / (G * G);
    });
    expect(exact).toBeLessThanOrEqual(1);
    expect(exact).toBeGreaterThan(0.5);
    const configs: number[] = [];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) configs.push(a, b);
    const R = 300;
    const pts = new Float32Array(9 * 2 * R);
    for (let r = 0; r < R; r++) pts.set(configs, r * 18);
    const est = dequantEstimates(model, model.ir, pts, 9 * R, 8, 9 * R);
    // per configuration: the mean of exp(IW_K) over R independent draws and its standard error
    let total = 0,
      totalBound = 0,
      variance = 0;
    for (let c = 0; c < 9; c++) {
      let m = 0,
        m2 = 0;
      for (let r = 0; r < R; r++) {
        const i = r * 9 + c;
        expect(est.iw[i]!).toBeGreaterThanOrEqual(est.bound[i]! - 1e-5);
        const w = Math.exp(est.iw[i]!);
        m += w / R;
        m2 += (w * w) / R;
        totalBound += Math.exp(est.bound[i]!) / R;
      }
      total += m;
      variance += (m2 - m * m) / R;
    }
    // E[exp(IW_K)] = P(x) exactly (importance sampling is unbiased), so Σ_x of the Monte-Carlo means lies within
    // a few standard errors of the integral Σ_x P(x) ≤ 1 (the weights are heavy-tailed: a wide margin, 4 SE)
    const se = Math.sqrt(variance);
    expect(se).toBeLessThan(0.4); // q = σ(Gaussian flow) has thinner tails than p near the cell edges
    expect(Math.abs(total - exact)).toBeLessThanOrEqual(4 * se + 0.01);
    expect(total).toBeLessThanOrEqual(1 + 4 * se);
    expect(totalBound).toBeLessThan(total);
    model.dispose();
  });
});
