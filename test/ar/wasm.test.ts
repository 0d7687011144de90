// The autoregressive conditionals on the wasm backend (flowc's default here): for a tiny instance
// of every kind, log p(x) on wasm equals log p(x) on cpu (same seed, so the same weights), the
// gradients of the loss agree with cpu's and are finite, and one step of `flowc train`'s trainer
// gives a finite loss and finite updated weights. Also: a forward pass keeps only about one
// layer's intermediates alive (the per-layer / per-step tidies of the recurrent and gated nets),
// which is what lets evaluation batches fit the wasm heap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../runtime/gradients.js';
import { initBackend } from '../../runtime/backend.js';
import { createTrainer } from '../../runtime/train-step.js';
import type { ConditionalIR } from '../../compiler/ir/types.js';
import { allCases, type Case } from './cases.js';
import { build, prodOf, rasterOrder, type TinySpec } from './helpers.js';
import type { ArModel } from '../../runtime/ar/model.js';
import { type FlowcConfig, setConfig } from '../../runtime/config.js';

let prevConfig: FlowcConfig;
beforeAll(async () => {
  prevConfig = setConfig({ backend: 'auto' });
  await initBackend('wasm'); // the CLI's set-up: wasm paths and the kernel substitutes training needs
  await tf.setBackend('cpu');
});
afterAll(async () => {
  setConfig(prevConfig);
  await tf.setBackend('cpu');
});

const binaryImage = (H: number, W: number, conditional: ConditionalIR): TinySpec => ({
  domain: { kind: 'binary' },
  shape: [1, H, W],
  order: rasterOrder([1, H, W]),
  likelihood: { kind: 'bernoulli' },
  conditional,
  seed: 7,
});

// every kind on RGB discrete(2)[3,2,2] (colour-group masks), plus the recurrent and gated nets on a
// non-square binary image (skewing with H ≠ W, several rows and columns)
const cases: Case[] = [
  ...allCases(false).filter((c) => c.name.includes('rgb')),
  ...(['row_lstm', 'diagonal_bilstm'] as const).map((cell) => ({
    name: `${cell} binary[1,4,5]`,
    K: 2,
    spec: binaryImage(4, 5, { kind: 'pixelrnn', cell, layers: 2, hidden: 4 }),
  })),
  {
    name: 'gated_pixelcnn binary[1,4,5]',
    K: 2,
    spec: binaryImage(4, 5, { kind: 'gated_pixelcnn', layers: 2, channels: 4, kernel: 3 }),
  },
];

function batchFor(c: Case, n: number): tf.Tensor {
  const D = prodOf(c.spec.shape);
  return tf.tensor(
    Array.from({ length: n * D }, (_, i) => (i * 7 + Math.floor(i / 3)) % c.K),
    [n, ...c.spec.shape],
  );
}

interface Run {
  logp: Float32Array;
  loss: number;
  grads: Float32Array[];
}

function run(c: Case, backend: string, m: ArModel): Run {
  expect(tf.getBackend()).toBe(backend);
  const x = batchFor(c, 3);
  const logp = m.logProb(x);
  const { value, grads } = tf.variableGrads(() => tf.mean(m.loss(x)) as tf.Scalar, m.variables);
  const out = {
    logp: Float32Array.from(logp.dataSync()),
    loss: value.dataSync()[0]!,
    grads: m.variables.map((v) => Float32Array.from(grads[v.name]!.dataSync())),
  };
  tf.dispose([x, logp, value, ...Object.values(grads)]);
  return out;
}

describe('autoregressive models on wasm', () => {
  it('the wasm backend is available', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    await tf.setBackend('cpu');
  });

  for (const c of cases) {
    it(`${c.name}: wasm log p(x) and gradients match cpu; one training step is finite`, async () => {
      await tf.setBackend('cpu');
      const mc = build(c.spec);
      const ref = run(c, 'cpu', mc);
      mc.dispose();

      await tf.setBackend('wasm');
      const mw = build(c.spec);
      const got = run(c, 'wasm', mw);
      for (let i = 0; i < ref.logp.length; i++) {
        expect(Number.isFinite(got.logp[i]!)).toBe(true);
        expect(Math.abs(got.logp[i]! - ref.logp[i]!), `example ${i}`).toBeLessThan(1e-4);
      }
      expect(Number.isFinite(got.loss)).toBe(true);
      got.grads.forEach((g, k) => {
        let worst = 0;
        for (let i = 0; i < g.length; i++) {
          expect(Number.isFinite(g[i]!), `${mw.variables[k]!.name}[${i}]`).toBe(true);
          worst = Math.max(worst, Math.abs(g[i]! - ref.grads[k]![i]!));
        }
        expect(worst, mw.variables[k]!.name).toBeLessThan(1e-4);
      });

      // one step of the trainer `flowc train` uses on wasm
      const before = mw.variables.map((v) => Float32Array.from(v.dataSync()));
      const trainer = createTrainer(mw, { lr: 1e-2 });
      const x = batchFor(c, 3);
      const loss = trainer.step(x);
      x.dispose();
      expect(Number.isFinite(loss)).toBe(true);
      expect(Math.abs(loss - got.loss)).toBeLessThan(1e-4); // the loss of the weights before the step
      let moved = 0;
      mw.variables.forEach((v, k) => {
        const w = v.dataSync();
        for (let i = 0; i < w.length; i++) {
          expect(Number.isFinite(w[i]!)).toBe(true);
          if (w[i] !== before[k]![i]) moved++;
        }
      });
      expect(moved).toBeGreaterThan(0);
      mw.dispose();
      await tf.setBackend('cpu');
    });
  }
});

describe('forward memory on wasm', () => {
  // Before the per-layer tidies a forward pass kept every intermediate of every layer alive: the
  // 7-layer Diagonal BiLSTM held ~70 MB per 28×28 image (the compiler estimates 2.8 MB), so
  // `flowc train`'s evaluation batch (sized by that estimate) outgrew the 4 GiB wasm heap
  // ("table index is out of bounds"). Now each extra layer may only add its outputs: the residual
  // map of 2·hidden channels (PixelRNN); the link (2p), vertical (p) and horizontal (p) maps (gated).
  const N = 4,
    H = 6,
    W = 6;
  const kinds: [string, ConditionalIR, number][] = [
    ['diagonal_bilstm', { kind: 'pixelrnn', cell: 'diagonal_bilstm', layers: 6, hidden: 4 }, 2 * 4],
    ['row_lstm', { kind: 'pixelrnn', cell: 'row_lstm', layers: 6, hidden: 4 }, 2 * 4],
    ['gated_pixelcnn', { kind: 'gated_pixelcnn', layers: 6, channels: 4, kernel: 3 }, 4 * 4],
  ];
  for (const [name, cond, outChannels] of kinds) {
    it(`${name}: each extra layer adds at most its output maps to a forward pass's peak memory`, async () => {
      await tf.setBackend('wasm');
      const peak = async (layers: number) => {
        const m = build(binaryImage(H, W, { ...cond, layers } as ConditionalIR));
        const x = tf.zeros([N, 1, H, W]);
        const base = tf.memory().numBytes;
        const info = await tf.profile(() => m.logProb(x));
        const p = info.peakBytes - base;
        x.dispose();
        m.dispose();
        return p;
      };
      const one = await peak(1);
      const six = await peak(6);
      const layerOutputs = N * H * W * outChannels * 4;
      expect(one).toBeGreaterThan(0);
      expect((six - one) / 5).toBeLessThanOrEqual(1.25 * layerOutputs);
      await tf.setBackend('cpu');
    });
  }
});
