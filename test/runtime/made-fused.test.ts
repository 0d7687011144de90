// The autoregressive MADE with fused masked layers (runtime/kernels/fused/masked-dense.ts, the default)
// against the plain op-by-op masked MADE (FLOWC_MADE_FUSED=0, same variables): same log p(x) and
// same gradients of every variable, on cpu and wasm, for a Bernoulli MADE (natural order,
// sequential degrees), a categorical one (P = 3 outputs per dimension, shuffled order, random
// connectivity) and a mask ensemble; no leaked tensors over a training step.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';
import { build, made, natural, type TinySpec } from '../ar/helpers.js';
import { setConfig, withConfig } from '../../runtime/config.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const D = 7;
const cases: [string, TinySpec, number][] = [
  [
    'bernoulli, sequential degrees',
    {
      domain: { kind: 'binary' },
      shape: [D],
      order: natural(D),
      likelihood: { kind: 'bernoulli' },
      conditional: made(D, natural(D), [12, 10]),
    },
    2,
  ],
  [
    'categorical K=3, shuffled order, random connectivity',
    {
      domain: { kind: 'categorical', K: 3 },
      shape: [D],
      order: [3, 0, 6, 1, 5, 2, 4],
      likelihood: { kind: 'categorical', K: 3 },
      conditional: made(D, [3, 0, 6, 1, 5, 2, 4], [11], { seed: 5 }),
    },
    3,
  ],
  [
    'bernoulli mask ensemble of 3',
    {
      domain: { kind: 'binary' },
      shape: [D],
      order: natural(D),
      likelihood: { kind: 'bernoulli' },
      conditional: made(D, natural(D), [9, 9], { ensemble: 3 }),
    },
    2,
  ],
];

function lossAndGrads(spec: TinySpec, x: Float32Array, fused: boolean) {
  const prev = setConfig({ madeFused: fused });
  try {
    const model = build(spec);
    const xt = tf.tensor2d(x, [x.length / D, D]);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.neg(model.logProb(xt))) as tf.Scalar, model.variables);
    const out = {
      loss: value.dataSync()[0]!,
      logp: Array.from(tf.tidy(() => model.logProb(xt)).dataSync()),
      grads: model.variables.map((v) => Array.from(grads[v.name]!.dataSync())),
      names: model.variables.map((v) => v.name.replace(/^.*\//, '')),
    };
    tf.dispose([value, xt, ...Object.values(grads)]);
    model.dispose();
    return out;
  } finally {
    setConfig(prev);
  }
}

describe('MADE with fused masked layers', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, spec, K] of cases) {
      it(`equals the plain masked MADE on ${backend}: ${name}`, async () => {
        expect(await initBackend(backend)).toBe(backend);
        const r = new Rng(11);
        const x = Float32Array.from({ length: 9 * D }, () => Math.floor(r.uniform() * K));
        const ref = lossAndGrads(spec, x, false);
        const got = lossAndGrads(spec, x, true);
        expect(got.names).toEqual(ref.names);
        got.logp.forEach((v, i) => expect(v).toBeCloseTo(ref.logp[i]!, 4));
        expect(got.loss).toBeCloseTo(ref.loss, 4);
        got.grads.forEach((g, k) => {
          const scale = Math.max(1e-3, ...ref.grads[k]!.map(Math.abs));
          expect(ref.grads[k]!.some((v) => v !== 0)).toBe(true);
          g.forEach((v, i) => {
            expect(Math.abs(v - ref.grads[k]![i]!) / scale).toBeLessThan(1e-5);
            if (ref.grads[k]![i] === 0) expect(Math.abs(v)).toBe(0); // masked weights stay exactly 0
          });
        });
      });
    }
  }

  it('takes the fused path by default and the plain one with FLOWC_MADE_FUSED=0', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    // the fused path's first product is (W₀∘M₀)ᵀ·xᵀ: a [12, 7] left operand (hidden 12, D 7)
    const transposedProduct = async (): Promise<boolean> => {
      const model = build(cases[0]![1]);
      const x = tf.zeros([4, D]);
      const info = await tf.profile(() => {
        tf.dispose(tf.variableGrads(() => tf.sum(model.logProb(x)) as tf.Scalar, model.variables).grads);
      });
      x.dispose();
      model.dispose();
      return info.kernels.some((k) => k.name === 'BatchMatMul' && k.inputShapes[0]!.slice(-2).join() === '12,7');
    };
    expect(await transposedProduct()).toBe(true);
    expect(await withConfig({ madeFused: false }, transposedProduct)).toBe(false);
  });

  it('trains without leaking tensors (wasm, createTrainer)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const model = build(cases[0]![1]);
    const tr = createTrainer(model, { lr: 1e-2, clip: 1 });
    const r = new Rng(4);
    const x = tf.tensor2d(
      Float32Array.from({ length: 16 * D }, () => (r.uniform() < 0.4 ? 1 : 0)),
      [16, D],
    );
    const first = tr.step(x);
    const n = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = tr.step(x);
    expect(tf.memory().numTensors).toBe(n);
    expect(last).toBeLessThan(first);
    tr.dispose();
    x.dispose();
    model.dispose();
  });
});
