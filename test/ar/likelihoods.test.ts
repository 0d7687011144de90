// Likelihoods against independent oracles: the Gaussian density integrates to 1 (2-D grid
// quadrature of a real-valued MADE); the discretized logistic's bins match CDF differences
// computed here in float64, including the edge bins 0 and K−1 that take the tails.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { build, made, useCpu } from './helpers.js';
import { buildLikelihood } from '../../runtime/likelihoods.js';

beforeAll(useCpu);

describe('gaussian likelihood on real data', () => {
  it('a real[2] MADE density integrates to 1 (trapezoid rule on [-12, 12]²)', () => {
    const m = build({
      domain: { kind: 'real' },
      shape: [2],
      order: [1, 0],
      likelihood: { kind: 'gaussian', learnedStd: true },
      conditional: made(2, [1, 0], [8], { seed: 3 }),
    });
    const G = 241;
    const lo = -12;
    const h = 24 / (G - 1);
    const pts = new Float32Array(G * G * 2);
    for (let a = 0; a < G; a++)
      for (let b = 0; b < G; b++) {
        pts[(a * G + b) * 2] = lo + a * h;
        pts[(a * G + b) * 2 + 1] = lo + b * h;
      }
    const lp = tf.tidy(() => m.logProb(tf.tensor2d(pts, [G * G, 2])).dataSync());
    let total = 0;
    for (let a = 0; a < G; a++)
      for (let b = 0; b < G; b++) {
        const w = (a === 0 || a === G - 1 ? 0.5 : 1) * (b === 0 || b === G - 1 ? 0.5 : 1);
        total += w * Math.exp(lp[a * G + b]!);
      }
    expect(Math.abs(total * h * h - 1)).toBeLessThan(1e-3);
    m.dispose();
  });
});

describe('discretized logistic mixture', () => {
  const sigma = (v: number) => 1 / (1 + Math.exp(-v));
  it('matches float64 CDF differences, edge bins take the tails', () => {
    const K = 5;
    const k = 2;
    const lik = buildLikelihood({ kind: 'logistic_mixture', k, K });
    // one dimension, mixture logits [0.3, -0.2], means [-0.4, 0.7], log-scales [-1.2, -0.5]
    const prm = [0.3, -0.2, -0.4, 0.7, -1.2, -0.5];
    const xs = [0, 1, 2, 3, 4];
    const got = tf.tidy(() =>
      lik
        .logProb(
          tf.tensor3d(
            xs.flatMap(() => prm),
            [5, 1, 3 * k],
          ),
          tf.tensor2d(xs, [5, 1]),
        )
        .dataSync(),
    );
    const wz = Math.exp(0.3) + Math.exp(-0.2);
    const w = [Math.exp(0.3) / wz, Math.exp(-0.2) / wz];
    for (const x of xs) {
      const c = (2 * x) / (K - 1) - 1;
      let p = 0;
      for (let j = 0; j < k; j++) {
        const mu = prm[k + j]!;
        const s = Math.exp(prm[2 * k + j]!);
        const hi = x === K - 1 ? 1 : sigma((c + 1 / (K - 1) - mu) / s);
        const loC = x === 0 ? 0 : sigma((c - 1 / (K - 1) - mu) / s);
        p += w[j]! * (hi - loC);
      }
      expect(got[x]!).toBeCloseTo(Math.log(p), 5);
    }
  });
  it('sampling a single component hits the bins with the right frequencies', async () => {
    const { Rng } = await import('../../runtime/rng.js');
    const K = 4;
    const lik = buildLikelihood({ kind: 'logistic_mixture', k: 1, K });
    const prm = new Float32Array([0, 0.1, -0.8]);
    const rng = new Rng(5);
    const counts = [0, 0, 0, 0];
    const out = new Float32Array(1);
    const N = 20000;
    for (let i = 0; i < N; i++) {
      lik.sample(prm, 1, rng, 1, out);
      counts[out[0]!]!++;
    }
    const s = Math.exp(-0.8);
    const cdf = (v: number) => sigma((v - 0.1) / s);
    // bins of half-width 1/(K−1) = 1/3 around −1, −1/3, 1/3, 1
    const p = [cdf(-2 / 3), cdf(0) - cdf(-2 / 3), cdf(2 / 3) - cdf(0), 1 - cdf(2 / 3)];
    let chi = 0;
    p.forEach((q, i) => {
      chi += (counts[i]! - N * q) ** 2 / (N * q);
    });
    expect(chi).toBeLessThan(16.27); // chi-square, 3 df, p = 0.001
  });
});
