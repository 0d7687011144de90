// Categorical normalizing flows (dequantize(categorical)) against independent oracles: exact sums over all
// 27 configurations of a categorical(3)[3] flow (the bound's mass ≤ 1, the importance-weighted estimate's
// within 2% of 1 after brief training), numerical integration of the encoder's densities, and the mixture
// encoder's implicit reparameterization gradient against finite differences of its float64 inverse CDF.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { CategoricalFlowModel } from '../../runtime/categorical-flow.js';
import { build } from '../../runtime/build.js';
import { createOpTrainer } from '../../runtime/train-step.js';
import { mixtureCdf, mixtureInverseCdf, mixturePdf } from '../../compiler/math/logistic-mixture.js';
import { allConfigs } from '../ar/helpers.js';
import { useWasmBackend } from './helpers.js';

// wasm: the 27 × 2000 draws of the estimate run in a few seconds there (minutes on the pure-JS cpu backend)
useWasmBackend();

function irOf(layer: string, K = 3, D = 3): FlowIR {
  const src = `model Tiny {
  data x: categorical(${K})[${D}]
  prior normal
  flow {
    ${layer}
    repeat 2 { coupling(affine, mask: alternate, flip: true, net: mlp(16)) }
  }
  train { batch: 64, steps: 10, seed: 3 }
}`;
  const r = compileSource(src, 'tiny.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ir!;
}

/** a fixed, far from uniform distribution over the 27 configurations, and a sample of it */
function target(n: number): { p: number[]; x: Float32Array } {
  const w = Array.from({ length: 27 }, (_, i) => Math.exp(1.5 * Math.sin(i * 1.7)));
  const Z = w.reduce((a, b) => a + b, 0);
  const p = w.map((v) => v / Z);
  const all = allConfigs(3, 3);
  const x = new Float32Array(n * 3);
  let s = 12345;
  for (let r = 0; r < n; r++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    let u = s / 2147483648;
    let c = 0;
    for (; c < 26; c++) if ((u -= p[c]!) < 0) break;
    x.set(all.subarray(c * 3, c * 3 + 3), r * 3);
  }
  return { p, x };
}

function trainBriefly(m: CategoricalFlowModel, steps: number): void {
  const { x } = target(2048);
  const t = createOpTrainer(m, { lr: 1e-2 });
  for (let s = 0; s < steps; s++) {
    const o = (s * 64) % 2048;
    const xb = tf.tensor2d(x.subarray(o * 3, (o + 64) * 3), [64, 3]);
    t.step(xb);
    xb.dispose();
  }
}

/** Σ over all 27 configurations of exp(f(x)) */
function massOf(f: (x: tf.Tensor) => tf.Tensor1D): number {
  const x = tf.tensor2d(allConfigs(3, 3), [27, 3]);
  const v = tf.tidy(() => tf.exp(f(x)));
  const s = (v.dataSync() as Float32Array).reduce((a, b) => a + b, 0);
  tf.dispose([x, v]);
  return s;
}

describe('categorical(3)[3] flows: the bound and the importance-weighted estimate over all 27 configurations', () => {
  const layers = ['dim: 2', 'dim: 2, k: 3', 'dim: 2, context: true'].map((a) => `dequantize(categorical, ${a})`);
  for (const layer of layers) {
    it(
      layer,
      () => {
        const m = build(irOf(layer)) as CategoricalFlowModel;
        expect(m).toBeInstanceOf(CategoricalFlowModel);
        const x = tf.tensor2d(allConfigs(3, 3), [27, 3]);
        const { p } = target(1);
        // cross-entropy of the target under the model's importance-weighted estimate (nats)
        const crossEntropy = () => {
          const lp = m.iwLogProb(x, 200);
          const v = lp.dataSync();
          lp.dispose();
          return -p.reduce((a, pi, i) => a + pi * v[i]!, 0);
        };
        const before = crossEntropy();
        trainBriefly(m, 150);
        // the bound E_q[log w] (mean over 64 draws) is below log P(x): its exponentials sum to at most 1
        const bound = massOf((xx) => m.elbo(xx, 64));
        expect(bound).toBeLessThanOrEqual(1.0);
        expect(bound).toBeGreaterThan(0.3);
        // E_q[w] = P(x): log-mean-exp over many draws sums to 1 within 2%
        const iw = massOf((xx) => m.iwLogProb(xx, 2000));
        expect(Math.abs(iw - 1)).toBeLessThan(0.02);
        // the training moved the model towards the target, and the decoder recovers most categories
        expect(crossEntropy()).toBeLessThan(before - 0.2);
        expect(m.reconstructionAccuracy(x)).toBeGreaterThan(0.5);
        x.dispose();
        m.dispose();
      },
      120_000,
    );
  }
});

describe('the encoder', () => {
  it("each category's density q(z|c) integrates to 1 and the decoder is normalized (d = 1, k = 3)", () => {
    const m = build(irOf('dequantize(categorical, dim: 1, k: 3)', 4, 2)) as CategoricalFlowModel;
    const grid = Array.from({ length: 8001 }, (_, i) => -40 + i * 0.01);
    const z = tf.tensor2d(grid, [grid.length, 1]);
    const q = tf.exp(m.encoder.logQAll(z)).arraySync() as number[][];
    for (let c = 0; c < 4; c++) {
      const integral = q.reduce((a, row) => a + row[c]! * 0.01, 0);
      expect(integral).toBeCloseTo(1, 3);
    }
    const post = tf.exp(m.encoder.logPosterior(z)).arraySync() as number[][];
    for (const row of post.slice(0, 50)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose(z);
    m.dispose();
  });

  it('the mixture inverse CDF and its implicit gradient match finite differences (float64 oracle)', () => {
    const row = { w: [0.2, 0.5, 0.3], mu: [-1, 0.5, 2], s: [0.4, 1.1, 0.7] };
    for (const u of [0.01, 0.3, 0.5, 0.93]) {
      const z = mixtureInverseCdf(row, u);
      expect(mixtureCdf(row, z)).toBeCloseTo(u, 9);
      // dz/du = 1/f(z): log q(z) = −log|dz/du|
      const h = 1e-6;
      const dzdu = (mixtureInverseCdf(row, u + h) - mixtureInverseCdf(row, u - h)) / (2 * h);
      expect(Math.log(mixturePdf(row, z))).toBeCloseTo(-Math.log(dzdu), 4);
    }
    // the layer's z: ∂z/∂μ by autodiff (one Newton step on a constant z₀) vs. re-solving with μ ± δ
    const m = build(irOf('dequantize(categorical, dim: 2, k: 3)')) as CategoricalFlowModel;
    const enc = m.encoder;
    const x = tf.tensor2d(
      [
        [0, 1, 2],
        [2, 2, 0],
      ],
      [2, 3],
    );
    const mu = m.variables.find((v) => v.name.includes('enc.mu'))!;
    const state = m.rng.getState();
    const zOf = () => tf.tidy(() => tf.sum(enc.encode(x).z) as tf.Scalar);
    const { grads } = tf.variableGrads(zOf, [mu]);
    const g = grads[mu.name]!.arraySync() as number[][];
    const base = mu.arraySync() as number[][];
    const delta = 1e-2;
    for (const [c, j] of [
      [0, 0],
      [1, 3],
      [2, 5],
      [2, 1],
    ] as const) {
      const sumAt = (eps: number) => {
        const b = base.map((r) => r.slice());
        b[c]![j]! += eps;
        mu.assign(tf.tensor2d(b));
        m.rng.setState(state);
        const s = zOf();
        const v = s.dataSync()[0]!;
        s.dispose();
        return v;
      };
      const fd = (sumAt(delta) - sumAt(-delta)) / (2 * delta);
      expect(g[c]![j]!).toBeCloseTo(fd, 2);
    }
    mu.assign(tf.tensor2d(base));
    tf.dispose([x, ...Object.values(grads)]);
    m.dispose();
  });

  it('log q(z|x) of the layer is the density of its draws (Jacobian of the draw w.r.t. the uniform noise)', () => {
    // with k = 1, z = μ + s·logit(u): log q(z) = −log|dz/du|, summed over the d coordinates of every element
    const m = build(irOf('dequantize(categorical, dim: 2)')) as CategoricalFlowModel;
    const x = tf.tensor2d([[0, 1, 2]], [1, 3]);
    const state = m.rng.getState();
    const { z, logq, logp } = m.encoder.encode(x);
    const mus = m.variables.find((v) => v.name.includes('enc.mu'))!.arraySync() as number[][];
    const ls = m.variables.find((v) => v.name.includes('enc.log_scale'))!.arraySync() as number[][];
    const zs = z.arraySync() as number[][];
    m.rng.setState(state);
    let expected = 0;
    [0, 1, 2].forEach((c, e) => {
      for (let j = 0; j < 2; j++) {
        const s = Math.exp(ls[c]![j]!);
        const u = 1 / (1 + Math.exp(-(zs[e]![j]! - mus[c]![j]!) / s));
        expected += -Math.log(s / (u * (1 - u))); // dz/du = s / (u(1−u))
      }
    });
    expect((logq.dataSync() as Float32Array).reduce((a, b) => a + b, 0)).toBeCloseTo(expected, 3);
    // the decoder's log p(x|z) is a log-probability: ≤ 0
    for (const v of logp.dataSync()) expect(v).toBeLessThanOrEqual(1e-6);
    tf.dispose([x, z, logq, logp]);
    m.dispose();
  });

  it('samples decode to valid categories by argmax and by drawing', () => {
    const m = build(irOf('dequantize(categorical, dim: 2)')) as CategoricalFlowModel;
    for (const decode of ['argmax', 'sample'] as const) {
      const s = m.sample(200, { seed: 1, decode });
      expect(s.shape).toEqual([200, 3]);
      for (const v of s.dataSync()) expect([0, 1, 2]).toContain(v);
      s.dispose();
    }
    m.dispose();
  });
});
