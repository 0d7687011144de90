// Densities integrate to 1 by quadrature (1-D and 2-D models, every layer kind that applies and
// every prior); samples agree with logProb; temperature scales every prior; dequantization bounds.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { FlowIR, LayerIR, PriorIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import type { FlowModel } from '../../runtime/model.js';
import { evaluate } from '../../runtime/train-step.js';
import { alternate, coupling, flowIR, layer, made, mlp } from './ir-fixtures.js';
import { perturb } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function density(model: FlowModel, pts: Float32Array, D: number): Float64Array {
  const out = new Float64Array(pts.length / D);
  const B = 8192;
  for (let s = 0; s < out.length; s += B) {
    const n = Math.min(B, out.length - s);
    const lp = tf.tidy(() => model.logProb(tf.tensor2d(pts.subarray(s * D, (s + n) * D), [n, D])));
    const v = lp.dataSync();
    for (let i = 0; i < n; i++) out[s + i] = Math.exp(v[i]);
    lp.dispose();
  }
  return out;
}

function integrate1d(model: FlowModel, lo: number, hi: number, n: number): number {
  const h = (hi - lo) / n;
  const pts = Float32Array.from({ length: n }, (_, i) => lo + (i + 0.5) * h);
  return density(model, pts, 1).reduce((a, b) => a + b, 0) * h;
}

function integrate2d(model: FlowModel, lo: number, hi: number, n: number): number {
  const h = (hi - lo) / n;
  const pts = new Float32Array(n * n * 2);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      pts[2 * (i * n + j)] = lo + (i + 0.5) * h;
      pts[2 * (i * n + j) + 1] = lo + (j + 0.5) * h;
    }
  return density(model, pts, 2).reduce((a, b) => a + b, 0) * h * h;
}

const normal: PriorIR = { kind: 'normal', mean: 0, std: 1, learned: false };
const priors: [string, PriorIR][] = [
  ['normal(0.5, 1.5)', { kind: 'normal', mean: 0.5, std: 1.5, learned: false }],
  ['normal(learned)', { kind: 'normal', mean: 0, std: 1, learned: true }],
  ['logistic', { kind: 'logistic', loc: 0, scale: 1 }],
  ['laplace', { kind: 'laplace', loc: 0, scale: 1 }],
  ['mixture(normal, 3)', { kind: 'mixture', component: 'normal', k: 3 }],
  ['mixture(logistic, 2)', { kind: 'mixture', component: 'logistic', k: 2 }],
];

function model2d(flow: LayerIR[], prior: PriorIR = normal): FlowIR {
  return flowIR({ shape: [2], flow, prior });
}

describe('2-D models integrate to 1 (quadrature on a grid, within 1%)', () => {
  const cases: [string, FlowIR][] = [
    [
      'affine couplings',
      model2d([coupling([2], alternate(2), mlp(8)), coupling([2], alternate(2, 1), mlp(8), 'affine', 'exp')]),
    ],
    [
      'additive + sigmoid couplings',
      model2d([coupling([2], [1, 0], mlp(8), 'additive'), coupling([2], [0, 1], mlp(8), 'affine', 'sigmoid')]),
    ],
    [
      'planar ×2 (iterative)',
      model2d([
        layer('planar', [2], { activation: 'tanh', inverse: 'iterative' }),
        layer('planar', [2], { activation: 'softplus', inverse: 'iterative' }),
      ]),
    ],
    ['radial (iterative)', model2d([layer('radial', [2], { inverse: 'iterative' })])],
    [
      'actnorm + invconv1x1 + permute',
      model2d([
        layer('actnorm', [2], { dataInit: false }),
        layer('invconv1x1', [2], { lu: true }),
        layer('permute', [2], { perm: [1, 0] }),
      ]),
    ],
    ['maf', model2d([layer('maf', [2], { order: [1, 0], net: made(8) })])],
    ['iaf', model2d([layer('iaf', [2], { order: [0, 1], net: made(8) })])],
    [
      'split (conditional prior)',
      model2d([coupling([2], [1, 0], mlp(8)), layer('split', [2], { prior: 'conditional' }, [1])]),
    ],
    ...priors.map(([n, p]): [string, FlowIR] => [
      `prior ${n} under a coupling`,
      model2d([coupling([2], [1, 0], mlp(8))], p),
    ]),
  ];
  for (const [name, ir] of cases) {
    it(name, () => {
      const model = build(ir);
      perturb(model, 0.3);
      const mass = integrate2d(model, -9, 9, 240);
      expect(Math.abs(mass - 1)).toBeLessThan(0.01);
      model.dispose();
    });
  }

  it('logit(α) on [0,1]² (with a logistic prior: exactly uniform)', () => {
    const model = build(model2d([layer('logit', [2], { alpha: 0.01 }), coupling([2], [1, 0], mlp(8))]));
    perturb(model, 0.3);
    const n = 200,
      h = 1 / n;
    const pts = new Float32Array(n * n * 2);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        pts[2 * (i * n + j)] = (i + 0.5) * h;
        pts[2 * (i * n + j) + 1] = (j + 0.5) * h;
      }
    const mass = density(model, pts, 2).reduce((a, b) => a + b, 0) * h * h;
    expect(Math.abs(mass - 1)).toBeLessThan(0.01);
    model.dispose();
  });
});

describe('1-D models integrate to 1', () => {
  const one = (flow: LayerIR[], prior: PriorIR = normal) => flowIR({ shape: [1], flow, prior });
  const cases: [string, FlowIR][] = [
    ['planar leaky_relu (iterative)', one([layer('planar', [1], { activation: 'leaky_relu', inverse: 'iterative' })])],
    ['radial (iterative)', one([layer('radial', [1], { inverse: 'iterative' })])],
    [
      'actnorm + maf',
      one([layer('actnorm', [1], { dataInit: false }), layer('maf', [1], { order: [0], net: made(4) })]),
    ],
    ...priors.map(([n, p]): [string, FlowIR] => [`prior ${n}`, one([], p)]),
  ];
  for (const [name, ir] of cases) {
    it(name, () => {
      const model = build(ir);
      perturb(model, 0.3);
      expect(Math.abs(integrate1d(model, -30, 30, 12000) - 1)).toBeLessThan(0.01);
      model.dispose();
    });
  }
});

describe('sampling', () => {
  it('samples of a 1-D model match its density (histogram)', () => {
    const model = build(
      flowIR({
        shape: [1],
        prior: { kind: 'mixture', component: 'normal', k: 3 },
        flow: [
          layer('actnorm', [1], { dataInit: false }),
          layer('planar', [1], { activation: 'tanh', inverse: 'iterative' }),
        ],
      }),
    );
    perturb(model, 0.5);
    const n = 20000;
    const s = model.sample(n, { seed: 3 });
    const xs = s.dataSync();
    const lo = -8,
      hi = 8,
      bins = 32,
      w = (hi - lo) / bins;
    const hist = new Float64Array(bins);
    let outside = 0;
    for (const v of xs) {
      const b = Math.floor((v - lo) / w);
      if (b >= 0 && b < bins) hist[b] += 1 / n;
      else outside += 1 / n;
    }
    // expected mass per bin by quadrature of exp(logProb)
    const sub = 20;
    const pts = Float32Array.from({ length: bins * sub }, (_, i) => lo + (i + 0.5) * (w / sub));
    const p = density(model, pts, 1);
    let tv = outside;
    for (let b = 0; b < bins; b++) {
      let m = 0;
      for (let k = 0; k < sub; k++) m += p[b * sub + k] * (w / sub);
      tv += Math.abs(m - hist[b]);
    }
    expect(tv / 2).toBeLessThan(0.03);
    s.dispose();
    model.dispose();
  });

  it('same seed, same samples; sample → logProb is finite', () => {
    const model = build(model2d([coupling([2], [1, 0], mlp(8))]));
    perturb(model, 0.3);
    const a = model.sample(50, { seed: 9 }),
      b = model.sample(50, { seed: 9 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const lp = model.logProb(a);
    expect(Array.from(lp.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([a, b, lp]);
    model.dispose();
  });

  for (const [name, p] of priors) {
    it(`temperature scales the ${name} prior`, () => {
      const model = build(flowIR({ shape: [1], flow: [], prior: p }));
      perturb(model, 0.3);
      const spread = (T: number) => {
        const s = model.sample(40000, { seed: 1, temperature: T });
        const v = Array.from(s.dataSync());
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
        s.dispose();
        return { mean, sd };
      };
      const t1 = spread(1),
        t5 = spread(0.5);
      // a location-scale family per component: centred spread shrinks by T (mixtures: each component's)
      if (p.kind !== 'mixture') expect(t5.sd / t1.sd).toBeCloseTo(0.5, 1);
      else expect(t5.sd).toBeLessThan(t1.sd);
      model.dispose();
    });
  }
});

describe('dequantization', () => {
  const deq = (type: 'uniform' | 'variational', flow: LayerIR[], prior: PriorIR = normal): FlowIR =>
    flowIR({
      shape: [2],
      domain: { kind: 'discrete', K: 3 },
      prior,
      flow: [
        layer('dequantize', [2], {
          type,
          K: 3,
          flow: type === 'variational' ? [coupling([2], [1, 0], mlp(4))] : undefined,
        }),
        ...flow,
      ],
    });

  it('uniform + logit(0) + logistic prior is exactly uniform: logProb = −D log K, bits/dim = log2 K', () => {
    const model = build(deq('uniform', [layer('logit', [2], { alpha: 0 })], { kind: 'logistic', loc: 0, scale: 1 }));
    const x = tf.tensor2d([
      [0, 1],
      [2, 2],
      [1, 0],
    ]);
    const lp = model.logProb(x).dataSync();
    for (const v of lp) expect(v).toBeCloseTo(-2 * Math.log(3), 4);
    expect(evaluate(model, x, 2).bitsPerDim).toBeCloseTo(Math.log2(3), 4);
    x.dispose();
    model.dispose();
  });

  it('uniform: Σ_x E_u[exp(bound)] = Σ_x P(x) = 1 over all K^D configurations', () => {
    const model = build(deq('uniform', [layer('logit', [2], { alpha: 1e-3 }), coupling([2], [0, 1], mlp(8))]));
    perturb(model, 0.3);
    const M = 3000;
    let total = 0;
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const lp = tf.tidy(() => model.logProb(tf.tile(tf.tensor2d([[a, b]]), [M, 1])));
        const v = lp.dataSync();
        let s = 0;
        for (const t of v) s += Math.exp(t);
        total += s / M;
        lp.dispose();
      }
    expect(Math.abs(total - 1)).toBeLessThan(0.03);
    model.dispose();
  });

  it('variational: Σ_x ∫ exp(bound(x, u(ε))) φ(ε) dε = Σ_x P(x) = 1 (quadrature over the noise ε)', () => {
    // 1-D, K = 4: the bound is log p(x+u) − log q(u|x); integrating exp(bound) against q is ∫ p(x+u) du.
    const ir = flowIR({
      shape: [1],
      domain: { kind: 'discrete', K: 4 },
      flow: [
        layer('dequantize', [1], {
          type: 'variational',
          K: 4,
          flow: [layer('planar', [1], { activation: 'tanh' }), layer('actnorm', [1], { dataInit: false })],
        }),
        layer('logit', [1], { alpha: 1e-4 }),
        layer('actnorm', [1], { dataInit: false }),
      ],
    });
    const model = build(ir) as FlowModel & { rng: { normalTensor: (shape: number[]) => tf.Tensor } };
    perturb(model, 0.4);
    const n = 4000,
      lo = -9,
      h = 18 / n;
    const eps = Float32Array.from({ length: n }, (_, i) => lo + (i + 0.5) * h);
    const rng = model.rng;
    const orig = rng.normalTensor;
    rng.normalTensor = (shape: number[]) => tf.tensor(eps, shape); // the dequantizer's only normal draw
    let total = 0;
    try {
      for (let x = 0; x < 4; x++) {
        const lp = tf.tidy(() => model.logProb(tf.fill([n, 1], x))).dataSync();
        for (let i = 0; i < n; i++)
          total += ((Math.exp(lp[i]) * Math.exp(-0.5 * eps[i] * eps[i])) / Math.sqrt(2 * Math.PI)) * h;
      }
    } finally {
      rng.normalTensor = orig;
    }
    expect(Math.abs(total - 1)).toBeLessThan(0.01);
    model.dispose();
  });

  it('sampling a dequantized model returns integers in 0..K−1', () => {
    const model = build(deq('variational', [layer('logit', [2], { alpha: 0.05 }), coupling([2], [0, 1], mlp(8))]));
    const s = model.sample(100, { seed: 2 });
    const v = Array.from(s.dataSync());
    expect(v.every((t) => Number.isInteger(t) && t >= 0 && t <= 2)).toBe(true);
    expect(new Set(v).size).toBe(3);
    s.dispose();
    model.dispose();
  });
});

describe('actnorm data-dependent init', () => {
  it('the first batch leaves actnorm with zero mean, unit variance per channel', () => {
    const model = build(flowIR({ shape: [3, 2, 2], flow: [layer('actnorm', [3, 2, 2], { dataInit: true })] }));
    const x = tf.tidy(() =>
      tf.add(
        tf.mul(tf.randomNormal([16, 3, 2, 2], 0, 1, 'float32', 3), tf.reshape(tf.tensor([1, 2, 3]), [1, 3, 1, 1])),
        tf.reshape(tf.tensor([5, -1, 0]), [1, 3, 1, 1]),
      ),
    );
    const { z } = model.forward!(x); // z is NHWC-flattened: [16, 2·2·3]
    const zz = tf.reshape(z, [-1, 3]);
    const { mean, variance } = tf.moments(zz, 0);
    for (const m of mean.dataSync()) expect(Math.abs(m)).toBeLessThan(1e-4);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 3);
    // a second batch does not re-initialise
    const x2 = tf.mul(x, 2);
    const z2 = model.forward!(x2).z;
    const v2 = tf.moments(tf.reshape(z2, [-1, 3]), 0).variance.dataSync();
    for (const v of v2) expect(v).toBeCloseTo(4, 2);
    model.dispose();
  });
});
