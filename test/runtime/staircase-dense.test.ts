// The staircase MADE layer (runtime/kernels/fused/staircase-dense.ts: block products on regions of the
// wasm heap, compact weight blocks from SIMD masked copies) against plain tfjs ops on the same
// inputs — values and the gradients of aT, w and b — and the whole MADE with blocks against the
// plain op-by-op masked MADE (madeFused off). Plans are checked against the mask itself.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';
import { staircaseAvailable, staircaseDenseT, staircasePlan } from '../../runtime/kernels/fused/staircase-dense.js';
import { build, made, natural, paramsHost, totalProb, type TinySpec } from '../ar/helpers.js';
import { type FlowcConfig, setConfig, withConfig } from '../../runtime/config.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** [I, O] mask whose column o is ones on rows < c[o] */
function prefixMask(I: number, c: number[]): Float32Array {
  const O = c.length,
    m = new Float32Array(I * O);
  for (let o = 0; o < O; o++) for (let i = 0; i < c[o]!; i++) m[i * O + o] = 1;
  return m;
}
/** MADE's sequential-degree first-layer mask: hidden unit k reads inputs d < 1 + ⌊k·(I−1)/O⌋ */
const sequential = (I: number, O: number) =>
  prefixMask(
    I,
    Array.from({ length: O }, (_, k) => 1 + Math.floor((k * (I - 1)) / O)),
  );

describe('staircasePlan', () => {
  it('covers every one of the mask, in bounds that are multiples of 4', () => {
    const r = new Rng(3);
    const masks: [Float32Array, number, number][] = [
      [sequential(784, 500), 784, 500],
      [
        prefixMask(
          24,
          Array.from({ length: 36 }, () => Math.floor(r.uniform() * 25)),
        ),
        24,
        36,
      ], // unsorted prefixes
      [
        prefixMask(
          16,
          Array.from({ length: 8 }, () => 0),
        ),
        16,
        8,
      ], // all zero
    ];
    for (const [m, I, O] of masks) {
      for (const blocks of [1, 2, 3, 4, 7]) {
        const plan = staircasePlan(m, I, O, blocks)!;
        expect(plan).not.toBeNull();
        expect(plan.out.length).toBeLessThanOrEqual(blocks);
        for (const { o0, o1, r: rr } of plan.out) expect([o0 % 4, o1 % 4, rr % 4, +(rr <= I)]).toEqual([0, 0, 0, 1]);
        for (const { i0, i1, s } of plan.inp) expect([i0 % 4, i1 % 4, s % 4, +(s <= O)]).toEqual([0, 0, 0, 1]);
        expect(plan.out.map((b) => b.o1 - b.o0).reduce((a, b) => a + b)).toBe(O);
        expect(plan.inp.map((b) => b.i1 - b.i0).reduce((a, b) => a + b)).toBe(I);
        const rOf = Array.from({ length: O }, (_, o) => plan.out.find((b) => o >= b.o0 && o < b.o1)!.r);
        const sOf = Array.from({ length: I }, (_, i) => plan.inp.find((b) => i >= b.i0 && i < b.i1)!.s);
        let missed = 0;
        for (let i = 0; i < I; i++)
          for (let o = 0; o < O; o++) if (m[i * O + o] && (i >= rOf[o]! || o < sOf[i]!)) missed++;
        expect(missed).toBe(0);
      }
    }
    // the staircase of MADE's first W2 layer is skipped: 4 blocks compute 5/8 of the product
    const p = staircasePlan(sequential(784, 500), 784, 500, 4)!;
    const frac = p.out.reduce((a, b) => a + (b.o1 - b.o0) * b.r, 0) / (784 * 500);
    expect(frac).toBeGreaterThan(0.55);
    expect(frac).toBeLessThan(0.7);
  });

  it('is null for masks that are not a staircase or sizes that are not multiples of 4', () => {
    const m = prefixMask(8, [3, 5, 8, 1]);
    expect(staircasePlan(m, 8, 4, 2)).not.toBeNull();
    m[6 * 4 + 0] = 1; // a one below column 0's prefix
    expect(staircasePlan(m, 8, 4, 2)).toBeNull();
    expect(staircasePlan(prefixMask(6, [1, 2, 3, 4]), 6, 4, 2)).toBeNull();
    expect(staircasePlan(prefixMask(8, [1, 2, 3]), 8, 3, 2)).toBeNull();
  });
});

describe('staircaseDenseT (wasm)', () => {
  it('is not offered on cpu', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(staircaseAvailable()).toBe(false);
  });

  const cases: [string, number, number[], number, boolean, number][] = [
    [
      'sequential 40→24, relu, N 9',
      40,
      Array.from({ length: 24 }, (_, k) => 1 + Math.floor((k * 39) / 24)),
      9,
      true,
      3,
    ],
    ['unsorted prefixes 24→36, linear, N 16', 24, [], 16, false, 4],
    [
      'sequential 32→48 with empty columns, relu, N 7',
      32,
      Array.from({ length: 48 }, (_, k) => Math.max(0, Math.floor((k * 40) / 48) - 8)),
      7,
      true,
      2,
    ],
  ];
  for (const [name, I, cGiven, N, relu, blocks] of cases) {
    it(`equals the plain ops: ${name}, ${blocks} blocks`, async () => {
      expect(await initBackend('wasm')).toBe('wasm');
      expect(staircaseAvailable()).toBe(true);
      const r = new Rng(7);
      const c = cGiven.length ? cGiven : Array.from({ length: 36 }, () => Math.floor(r.uniform() * (I + 1)));
      const O = c.length;
      const mv = prefixMask(I, c);
      const plan = staircasePlan(mv, I, O, blocks)!;
      expect(plan.out.length).toBe(blocks);
      const rnd = (n: number) => Float32Array.from({ length: n }, () => r.normal());
      const aT = tf.tensor2d(rnd(I * N), [I, N]),
        w = tf.tensor2d(rnd(I * O), [I, O]),
        b = tf.tensor1d(rnd(O));
      const mask = tf.tensor2d(mv, [I, O]),
        R = tf.tensor2d(rnd(O * N), [O, N]);
      const plain = (a: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D) => {
        const z = tf.add(tf.matMul(tf.transpose(tf.mul(ww, mask)), a), tf.reshape(bb, [-1, 1]));
        return relu ? tf.relu(z) : z;
      };
      const f = (fn: typeof plain) =>
        tf.grads((a, ww, bb) => tf.sum(tf.mul(fn(a as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), R)));
      const stair = (a: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D) => staircaseDenseT(a, ww, mask, bb, relu, plan);
      const n0 = tf.memory().numTensors;
      const yRef = tf.tidy(() => plain(aT, w, b)),
        y = stair(aT, w, b);
      const gRef = f(plain)([aT, w, b]),
        g = f(stair)([aT, w, b]);
      const close = (got: tf.Tensor, ref: tf.Tensor, zeros?: Float32Array) => {
        const gv = got.dataSync(),
          rv = ref.dataSync();
        expect(got.shape).toEqual(ref.shape);
        const scale = Math.max(1e-3, ...Array.from(rv, Math.abs));
        expect(Array.from(rv).some((v) => v !== 0)).toBe(true);
        rv.forEach((v, i) => expect(Math.abs(gv[i]! - v) / scale).toBeLessThan(2e-6));
        if (zeros)
          zeros.forEach((m, i) => {
            if (!m) expect(Math.abs(gv[i]!)).toBe(0);
          }); // masked weights get exactly 0
      };
      close(y, yRef);
      close(g[0]!, gRef[0]!);
      close(g[1]!, gRef[1]!, mv);
      close(g[2]!, gRef[2]!);
      tf.dispose([yRef, y, ...gRef, ...g]);
      expect(tf.memory().numTensors).toBe(n0);
      tf.dispose([aT, w, b, mask, R]);
    });
  }
});

describe('MADE with staircase blocks (wasm)', () => {
  const D = 8;
  const specs: [string, TinySpec, number][] = [
    [
      'bernoulli',
      {
        domain: { kind: 'binary' },
        shape: [D],
        order: natural(D),
        likelihood: { kind: 'bernoulli' },
        conditional: made(D, natural(D), [12, 16]),
      },
      2,
    ],
    [
      'bernoulli, random connectivity (staircase first layer, plain later ones)',
      {
        domain: { kind: 'binary' },
        shape: [D],
        order: natural(D),
        likelihood: { kind: 'bernoulli' },
        conditional: made(D, natural(D), [12, 16], { seed: 3 }),
      },
      2,
    ],
    [
      'categorical K=3 (replicated output mask)',
      {
        domain: { kind: 'categorical', K: 3 },
        shape: [D],
        order: natural(D),
        likelihood: { kind: 'categorical', K: 3 },
        conditional: made(D, natural(D), [20]),
      },
      3,
    ],
  ];

  const run = (spec: TinySpec, x: Float32Array) => {
    const model = build(spec);
    const xt = tf.tensor2d(x, [x.length / D, D]);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.neg(model.logProb(xt))) as tf.Scalar, model.variables);
    const out = {
      loss: value.dataSync()[0]!,
      grads: model.variables.map((v) => Array.from(grads[v.name]!.dataSync())),
    };
    tf.dispose([value, xt, ...Object.values(grads)]);
    model.dispose();
    return out;
  };

  for (const [name, spec, K] of specs) {
    it(`equals the plain masked MADE: ${name}`, async () => {
      expect(await initBackend('wasm')).toBe('wasm');
      const r = new Rng(5);
      const x = Float32Array.from({ length: 11 * D }, () => Math.floor(r.uniform() * K));
      const ref = withConfig({ madeFused: false }, () => run(spec, x));
      const got = withConfig({ madeBlocks: 2 }, () => run(spec, x));
      expect(got.loss).toBeCloseTo(ref.loss, 4);
      got.grads.forEach((g, k) => {
        const scale = Math.max(1e-3, ...ref.grads[k]!.map(Math.abs));
        g.forEach((v, i) => {
          expect(Math.abs(v - ref.grads[k]![i]!) / scale).toBeLessThan(1e-5);
          if (ref.grads[k]![i] === 0) expect(Math.abs(v)).toBe(0);
        });
      });
    });
  }

  it('sums to one over all 2^8 configurations and is autoregressive (bernoulli, blocks)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    withConfig({ madeBlocks: 2 }, () => {
      const model = build(specs[0]![1]);
      expect(Math.abs(totalProb(model, 2) - 1)).toBeLessThan(1e-5);
      // changing x_d changes no parameter of dimensions ≤ d, and does change a later one
      const r = new Rng(9);
      const x = Float32Array.from({ length: D }, () => (r.uniform() < 0.5 ? 1 : 0));
      const base = paramsHost(model, x);
      for (let d = 0; d < D; d++) {
        const y = x.slice();
        y[d] = 1 - y[d]!;
        const p = paramsHost(model, y);
        for (let e = 0; e <= d; e++) expect(p[e]).toBe(base[e]);
        if (d < D - 1) expect(Array.from(p.subarray(d + 1)).some((v, i) => v !== base[d + 1 + i])).toBe(true);
      }
      model.dispose();
    });
  });

  it('runs no BatchMatMul kernel with blocks, and trains without leaking tensors', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const matMuls = async (env: Partial<FlowcConfig>) => {
      const model = withConfig(env, () => build(specs[0]![1]));
      const x = tf.zeros([4, D]);
      const info = await tf.profile(() =>
        withConfig(env, () => {
          tf.dispose(tf.variableGrads(() => tf.sum(model.logProb(x)) as tf.Scalar, model.variables).grads);
        }),
      );
      x.dispose();
      model.dispose();
      return info.kernels.filter((k) => k.name === 'BatchMatMul').length;
    };
    expect(await matMuls({ madeBlocks: 2 })).toBe(0);
    expect(await matMuls({ madeBlocks: 1 })).toBeGreaterThan(0);

    const prevConfig = setConfig({ madeBlocks: 2 });
    try {
      const model = build(specs[0]![1]);
      const tr = createTrainer(model, { lr: 1e-2 });
      const r = new Rng(4);
      const x = tf.tensor2d(
        Float32Array.from({ length: 16 * D }, () => (r.uniform() < 0.4 ? 1 : 0)),
        [16, D],
      );
      const first = tr.step(x);
      const n = tf.memory().numTensors,
        bytes = tf.memory().numBytes;
      let last = first;
      for (let i = 0; i < 20; i++) last = tr.step(x);
      expect(tf.memory().numTensors).toBe(n);
      expect(tf.memory().numBytes).toBe(bytes);
      expect(last).toBeLessThan(first);
      tr.dispose();
      x.dispose();
      model.dispose();
    } finally {
      setConfig(prevConfig);
    }
  });
});
