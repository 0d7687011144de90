// PixelCNN++ with joint channels against independent oracles (cpu backend, tiny sizes):
// the probabilities of all 4⁶ configurations of a discrete(4)[3, 1, 2] model sum to 1 (and do not
// once a shift is taken out of the network); samples follow the exact probabilities (chi-square,
// p = 0.001, over every configuration and over the 64 colours of one pixel); the numerical Jacobian
// of the network's output with respect to its input is zero exactly where the compiler's proof
// says a pixel cannot depend on another; sampling runs one network pass per pixel.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR, LikelihoodIR } from '../../compiler/ir/types.js';
import { pixelcnnppPlan, pixelParamCount, type PlanNode } from '../../compiler/math/pixelcnnpp.js';
import { planDependencies, provePlan } from '../../compiler/proofs/pixelcnnpp.js';
import { buildPixelCnnPP } from '../../runtime/ar/pixelcnnpp.js';
import { buildPixelLikelihood } from '../../runtime/ar/pixel-likelihood.js';
import { JointPixelModel } from '../../runtime/ar/joint-model.js';
import { Rng } from '../../runtime/rng.js';
import '../../runtime/gradients.js';
import { allConfigs, makeIr, useCpu } from './helpers.js';

beforeAll(useCpu);

const K = 4;

interface Opts {
  scales?: number;
  plan?: PlanNode[];
  seed?: number;
}

function model(shape: number[], lik: LikelihoodIR, opts: Opts = {}): JointPixelModel {
  const C = shape[0]!;
  const outputs = pixelParamCount(lik, C);
  const cond = { kind: 'pixelcnnpp' as const, filters: 4, resnets: 1, scales: opts.scales ?? 2, dropout: 0, outputs };
  const base = makeIr({ domain: { kind: 'discrete', K }, shape, conditional: cond, likelihood: lik, seed: opts.seed });
  const ir: FlowIR = { ...base, channels: 'joint' };
  const D = shape.reduce((a, b) => a * b, 1);
  const ctx = { ir, P: outputs, D, rng: new Rng(opts.seed ?? 5), prefix: ir.model };
  const net = buildPixelCnnPP(cond, ctx, opts.plan ?? pixelcnnppPlan(cond));
  return new JointPixelModel(ir, net, buildPixelLikelihood(lik, C));
}

/** log p of all K^D configurations (float64 on the host) */
function logProbAll(m: JointPixelModel): Float64Array {
  const xs = allConfigs(m.D, K);
  const n = xs.length / m.D;
  const t = tf.tidy(() => m.logProb(tf.tensor(xs, [n, ...m.ir.data.shape])));
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}

const sumExp = (lp: Float64Array): number => lp.reduce((a, v) => a + Math.exp(v), 0);

/** the 0.999 quantile of chi-square with df degrees of freedom (Wilson–Hilferty) */
const chi2Crit = (df: number): number => df * (1 - 2 / (9 * df) + 3.0902 * Math.sqrt(2 / (9 * df))) ** 3;

/** Pearson's statistic, cells with an expected count below 5 pooled into one */
function chiSquare(counts: number[], probs: number[], N: number): { stat: number; df: number } {
  let stat = 0,
    cells = 0,
    poolO = 0,
    poolE = 0;
  probs.forEach((p, i) => {
    const e = N * p;
    if (e < 5) {
      poolO += counts[i]!;
      poolE += e;
      return;
    }
    stat += (counts[i]! - e) ** 2 / e;
    cells++;
  });
  if (poolE > 0) {
    stat += (poolO - poolE) ** 2 / poolE;
    cells++;
  }
  return { stat, df: cells - 1 };
}

const mixture: LikelihoodIR = { kind: 'logistic_mixture', k: 2, K };

describe('PixelCNN++ joint channels: total probability over all 4⁶ configurations', () => {
  it('discrete(4)[3, 1, 2], mixture of 2 logistics with channel coefficients: Σ p = 1', () => {
    const m = model([3, 1, 2], mixture);
    const lp = logProbAll(m);
    expect(lp.length).toBe(4 ** 6);
    expect(Math.abs(sumExp(lp) - 1)).toBeLessThan(1e-4);
    expect(Math.max(...lp) - Math.min(...lp)).toBeGreaterThan(0.05); // the network shapes the distribution
    m.dispose();
  });
  it('categorical per channel (factorized pixel): Σ p = 1', () => {
    const m = model([3, 1, 2], { kind: 'categorical', K });
    expect(Math.abs(sumExp(logProbAll(m)) - 1)).toBeLessThan(1e-4);
    m.dispose();
  });
  it('without the down-shift of the first ul conv the sum is not 1 (and the proof refuses the plan)', () => {
    const plan = pixelcnnppPlan({ filters: 4, resnets: 1, scales: 2 });
    const first = plan[2] as Extract<PlanNode, { op: 'conv' }>;
    expect(first.shift).toBe('down');
    delete first.shift;
    expect(provePlan(plan, 1, 2).ok).toBe(false);
    const m = model([3, 1, 2], mixture, { plan });
    expect(Math.abs(sumExp(logProbAll(m)) - 1)).toBeGreaterThan(1e-3);
    m.dispose();
  });
});

describe('PixelCNN++ sampling matches the exact probabilities (chi-square, p = 0.001)', () => {
  it('whole images of discrete(4)[3, 1, 2]: frequencies of all 4096 configurations', () => {
    const m = model([3, 1, 2], mixture, { seed: 11 });
    const probs = Array.from(logProbAll(m), Math.exp);
    const N = 8000;
    const s = m.sample(N, { seed: 7 });
    const v = s.dataSync();
    s.dispose();
    const counts = new Array<number>(probs.length).fill(0);
    for (let i = 0; i < N; i++) {
      let idx = 0;
      for (let d = 0; d < 6; d++) idx = idx * K + v[i * 6 + d]!;
      counts[idx]!++;
    }
    const { stat, df } = chiSquare(counts, probs, N);
    expect(df).toBeGreaterThan(20);
    expect(stat).toBeLessThan(chi2Crit(df));
    m.dispose();
  });
  it('one pixel from fixed parameters with strong channel coefficients: the 64 colours', () => {
    const C = 3,
      k = 3;
    const lik = buildPixelLikelihood({ kind: 'logistic_mixture', k, K }, C);
    const rng = new Rng(3);
    const prm = Float32Array.from({ length: lik.P }, () => rng.normal());
    for (let j = (1 + 2 * C) * k; j < lik.P; j++) prm[j] = 3 * prm[j]!; // tanh near ±1: G, B follow R
    const xs = allConfigs(C, K);
    const rows = Array.from({ length: 64 }, () => Array.from(prm)).flat();
    const t = tf.tidy(() => lik.logProb(tf.tensor3d(rows, [64, 1, lik.P]), tf.tensor3d(xs, [64, C, 1])));
    const probs = Array.from(t.dataSync(), Math.exp);
    t.dispose();
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    const N = 20000;
    const many = new Float32Array(N * lik.P);
    for (let i = 0; i < N; i++) many.set(prm, i * lik.P);
    const out = new Float32Array(N * C);
    lik.sample(many, N, new Rng(9), 1, out);
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < N; i++) counts[out[i * 3]! * 16 + out[i * 3 + 1]! * 4 + out[i * 3 + 2]!]!++;
    const { stat, df } = chiSquare(counts, probs, N);
    expect(stat).toBeLessThan(chi2Crit(df));
  });
  it('one network pass per pixel, not per channel', () => {
    const m = model([3, 2, 3], mixture);
    let passes = 0;
    const orig = m.conditional.params.bind(m.conditional);
    (m.conditional as { params: typeof orig }).params = (x, training) => {
      passes++;
      return orig(x, training);
    };
    m.sample(2, { seed: 1 }).dispose();
    expect(passes).toBe(2 * 3);
    m.dispose();
  });
});

describe('PixelCNN++ receptive field: the proof against the numerical Jacobian', () => {
  it('[3, 4, 4], 2 scales: ∂params(p)/∂x(q) = 0 exactly where the proof says p cannot see q', () => {
    const [C, H, W] = [3, 4, 4];
    const m = model([C, H, W], mixture, { seed: 2 });
    const dep = planDependencies(m.conditional.plan, H, W);
    const HW = H * W;
    const x0 = tf.tensor2d(
      Array.from({ length: C * HW }, (_, i) => (i * 7) % K),
      [1, C * HW],
    );
    let nonzero = 0;
    for (let p = 0; p < HW; p++) {
      const out = (x: tf.Tensor) =>
        tf.sum(tf.slice(m.conditional.params(x as tf.Tensor2D, false), [0, p, 0], [1, 1, -1]));
      const g = tf.grad(out)(x0);
      const gv = g.dataSync();
      g.dispose();
      for (let q = 0; q < HW; q++) {
        let mag = 0;
        for (let c = 0; c < C; c++) mag += Math.abs(gv[c * HW + q]!);
        if (!dep[p * HW + q]) expect(mag, `pixel ${q} → pixel ${p}`).toBe(0);
        else if (mag > 0) nonzero++;
        // causality itself: nothing at or after p in raster order
        if (q >= p) expect(dep[p * HW + q]).toBe(0);
      }
    }
    // the proof is not vacuous: the numerically live pairs are the proof's pairs
    const proofPairs = dep.reduce((a, b) => a + b, 0);
    expect(proofPairs).toBeGreaterThan(HW);
    expect(nonzero).toBe(proofPairs);
    x0.dispose();
    m.dispose();
  });
});
