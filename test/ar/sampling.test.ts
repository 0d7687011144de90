// Sampling: frequencies match the model's exact probabilities (chi-square, fixed seeds), with
// and without temperature; fast and naive samplers give identical samples; completion keeps
// the given pixels.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { allCases } from './cases.js';
import { allConfigs, build, made, natural, paramsHost, useCpu, type TinySpec } from './helpers.js';

beforeAll(useCpu);

// chi-square critical values at p = 0.001 (standard tables)
const CHI2_999: Record<number, number> = { 7: 24.322, 8: 26.124, 15: 37.697 };

function softmax(l: number[], T: number): number[] {
  const m = Math.max(...l.map((v) => v / T));
  const e = l.map((v) => Math.exp(v / T - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** exact probability of every configuration under tempered conditionals, from the parameters */
function temperedProbs(
  spec: TinySpec,
  K: number,
  T: number,
): { probs: number[]; index: (row: Float32Array) => number } {
  const m = build(spec);
  const D = m.D;
  const xs = allConfigs(D, K);
  const n = xs.length / D;
  const prm = paramsHost(m, xs);
  const P = m.likelihood.P;
  const probs: number[] = [];
  for (let r = 0; r < n; r++) {
    let p = 1;
    for (let d = 0; d < D; d++) {
      const v = xs[r * D + d]!;
      const l = Array.from(prm.subarray((r * D + d) * P, (r * D + d + 1) * P));
      const q = P === 1 ? softmax([0, l[0]!], T) : softmax(l, T); // Bernoulli logit = 2-way softmax [0, l]
      p *= q[v]!;
    }
    probs.push(p);
  }
  m.dispose();
  return { probs, index: (row) => row.reduce((a, v) => a * K + v, 0) };
}

function chiSquare(spec: TinySpec, K: number, T: number, N: number, seed: number): { stat: number; df: number } {
  const { probs, index } = temperedProbs(spec, K, T);
  const m = build(spec);
  const s = m.sample(N, { temperature: T, seed });
  const v = s.dataSync() as Float32Array;
  s.dispose();
  m.dispose();
  const D = v.length / N;
  const counts = new Array<number>(probs.length).fill(0);
  for (let i = 0; i < N; i++) counts[index(v.subarray(i * D, (i + 1) * D))]!++;
  let stat = 0;
  probs.forEach((p, i) => {
    stat += (counts[i]! - N * p) ** 2 / (N * p);
  });
  return { stat, df: probs.length - 1 };
}

describe('sampling frequencies match the exact probabilities (chi-square, p = 0.001)', () => {
  const madeSpec: TinySpec = {
    domain: { kind: 'binary' },
    shape: [3],
    order: [2, 0, 1],
    likelihood: { kind: 'bernoulli' },
    conditional: made(3, [2, 0, 1], [8], { seed: 1 }),
    seed: 11,
  };
  const pcnnSpec: TinySpec = {
    domain: { kind: 'discrete', K: 2 },
    shape: [1, 2, 2],
    likelihood: { kind: 'categorical', K: 2 },
    seed: 4,
    conditional: {
      kind: 'pixelcnn',
      layers: [
        { mask: 'A', kernel: 3, channels: 4, activation: 'relu', residual: false },
        { mask: 'B', kernel: 1, channels: 2, activation: 'none', residual: false },
      ],
    },
  };
  const nadeSpec: TinySpec = {
    domain: { kind: 'discrete', K: 3 },
    shape: [2],
    order: natural(2),
    likelihood: { kind: 'categorical', K: 3 },
    conditional: { kind: 'nade', hidden: 5 },
    seed: 9,
  };
  const cases: [string, TinySpec, number, number][] = [
    ['MADE bernoulli binary[3], order [2,0,1]', madeSpec, 2, 1],
    ['MADE bernoulli at temperature 0.5', madeSpec, 2, 0.5],
    ['PixelCNN categorical discrete(2)[1,2,2]', pcnnSpec, 2, 1],
    ['NADE categorical discrete(3)[2] at temperature 2', nadeSpec, 3, 2],
  ];
  for (const [name, spec, K, T] of cases) {
    it(name, () => {
      const { stat, df } = chiSquare(spec, K, T, 4000, 123);
      expect(stat).toBeLessThan(CHI2_999[df]!);
    });
  }
  it('the test has power: temperature-1 samples fail against temperature-0.3 probabilities', () => {
    const { probs, index } = temperedProbs(madeSpec, 2, 0.3);
    const m = build(madeSpec);
    const s = m.sample(4000, { seed: 5 });
    const v = s.dataSync() as Float32Array;
    s.dispose();
    m.dispose();
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 4000; i++) counts[index(v.subarray(i * 3, i * 3 + 3))]!++;
    let stat = 0;
    probs.forEach((p, i) => {
      stat += (counts[i]! - 4000 * p) ** 2 / (4000 * p);
    });
    expect(stat).toBeGreaterThan(CHI2_999[7]!);
  });
});

describe('fast and naive sampling give identical samples for the same seed', () => {
  for (const c of allCases()) {
    it(c.name, () => {
      const m = build(c.spec);
      const before = tf.memory().numTensors;
      const a = m.sample(3, { seed: 42, temperature: 0.8 });
      const b = m.sampleNaive(3, { seed: 42, temperature: 0.8 });
      const other = m.sample(3, { seed: 43, temperature: 0.8 });
      const av = Array.from(a.dataSync());
      expect(av).toEqual(Array.from(b.dataSync()));
      expect(av).not.toEqual(Array.from(other.dataSync())); // the seed matters
      expect(a.shape).toEqual([3, ...c.spec.shape]);
      for (const v of av) expect(Number.isInteger(v) && v >= 0 && v < c.K).toBe(true);
      tf.dispose([a, b, other]);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    });
  }
});

describe('completion', () => {
  for (const c of allCases().filter((k) => k.spec.shape.length === 3)) {
    it(`${c.name}: keeps the top half, fast = naive`, () => {
      const m = build(c.spec);
      const [C, H, W] = c.spec.shape as [number, number, number];
      const n = 2;
      const x = tf.tensor(
        Array.from({ length: n * m.D }, (_, i) => (i * 7) % c.K),
        [n, C, H, W],
      );
      const known = tf.tensor(
        Array.from({ length: m.D }, (_, d) => (Math.floor((d % (H * W)) / W) < H / 2 ? 1 : 0)),
        [C, H, W],
      );
      const a = m.complete(x, known, { seed: 8 });
      const b = m.complete(x, known, { seed: 8, fast: false });
      const av = a.dataSync();
      const xv = x.dataSync();
      const kv = known.dataSync();
      for (let i = 0; i < av.length; i++) if (kv[i % m.D]) expect(av[i]).toBe(xv[i]);
      expect(Array.from(av)).toEqual(Array.from(b.dataSync()));
      tf.dispose([x, known, a, b]);
      m.dispose();
    });
  }
});
