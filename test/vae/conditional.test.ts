// The conditional VAE (issue 14 item 5): q(z | x, y) and p(x | z, y) read the condition, the IAF posterior
// steps read the encoder's context h (Kingma et al. 2016). Oracles on a tiny binary[3] model, exact over all
// 8 configurations for every y: Σ_x exp(IW estimate) ≈ 1 and Σ_x exp(ELBO) ≤ 1; the condition changes
// log p(x | y); d/dθ of an encoder weight that only feeds h, autodiff against central finite differences.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { buildVae, type VaeModel } from '../../runtime/vae/index.js';
import { contextOf } from '../../runtime/condition.js';
import { perturb } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SPEC = `model Tiny {
  data x: binary[3]
  condition y: categorical(2)
  latent z: real[2]
  prior normal
  encoder mlp(12)
  posterior flow(amortized: true, context: 4) {
    iaf(hidden: [8])
    permute(reverse)
    iaf(hidden: [8])
  }
  decoder mlp(12)
  likelihood bernoulli
  train { seed: 3 }
}`;

function compile(text: string): FlowIR {
  const r = compileSource(text, 'tiny.flow');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.ir!;
}

/** the 8 configurations of binary[3], each repeated for every y (rows y·8 + i) */
function grid(K: number): { x: tf.Tensor2D; c: tf.Tensor2D } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < K; y++)
    for (let i = 0; i < 8; i++) {
      xs.push(i & 1, (i >> 1) & 1, (i >> 2) & 1);
      ys.push(y);
    }
  return { x: tf.tensor2d(xs, [8 * K, 3]), c: contextOf(IR, ys, 8 * K) };
}

let IR: FlowIR;
let model: VaeModel;

beforeAll(() => {
  IR = compile(SPEC);
  model = buildVae(IR, { iwSamples: 3000, iwChunk: 16 * 3000 });
  // away from the identity IAF (zero last MADE layer) so that h and y matter
  perturb(model.variables, 0.3, 11);
});

describe('conditional VAE: the compiled model', () => {
  it("the IAF steps take the encoder's context h; the compiler's parameter count is the runtime's", () => {
    expect(IR.condition).toMatchObject({ name: 'y', size: 2 });
    expect(IR.posterior?.context).toBe(4);
    const iafs = IR.posterior!.flow.filter((l) => l.kind === 'iaf');
    expect(iafs.map((l) => (l.args as { context?: number }).context)).toEqual([4, 4]);
    // encoder [x ‖ one-hot y] → [μ, log σ, h]; decoder [z ‖ one-hot y]
    expect(model.encoderOut).toBe(2 * 2 + 4);
    expect(model.store.byName.get('encoder.0.W')!.shape).toEqual([3 + 2, 12]);
    expect(model.store.byName.get('decoder.0.W')!.shape).toEqual([2 + 2, 12]);
    const n = model.variables.reduce((a, v) => a + v.size, 0);
    expect(IR.totals.params).toBe(n);
  });

  it('without the context the model says what is missing', () => {
    const x = tf.zeros([2, 3]);
    expect(() => model.logProb(x)).toThrow(/conditioned on `y`: pass its context/);
    x.dispose();
  });
});

describe('conditional VAE: sums over all configurations, for every y', () => {
  it('Σ_x exp(IW estimate) ≈ 1 and Σ_x exp(ELBO) ≤ 1 for y = 0 and y = 1; y changes log p(x | y)', () => {
    const { x, c } = grid(2);
    const iw = Array.from(model.iwLogProb(x, 3000, c).dataSync());
    const elbo = Array.from(model.elbo(x, 400, c).dataSync());
    x.dispose();
    c.dispose();
    for (let y = 0; y < 2; y++) {
      const rows = (a: number[]) => a.slice(y * 8, y * 8 + 8);
      const sIw = rows(iw).reduce((a, v) => a + Math.exp(v), 0);
      const sElbo = rows(elbo).reduce((a, v) => a + Math.exp(v), 0);
      expect(Math.abs(sIw - 1)).toBeLessThan(0.04);
      expect(sElbo).toBeLessThanOrEqual(1.005);
      // the bound is strictly below the estimate on average (q is not the true posterior)
      expect(sElbo).toBeLessThan(sIw);
    }
    // p(x | y = 0) and p(x | y = 1) are different distributions
    const diff = Math.max(...iw.slice(0, 8).map((v, i) => Math.abs(v - iw[8 + i]!)));
    expect(diff).toBeGreaterThan(0.1);
  });
});

describe("conditional VAE: gradients flow through the encoder's context h into the IAF steps", () => {
  it('d/dθ of an encoder weight that feeds only h: autodiff = central finite difference, and non-zero', () => {
    const W = model.store.byName.get('encoder.1.W')!;
    const col = 2 * model.Dz; // the first column of h (no planar/radial parameters before it)
    const x = tf.tensor2d([1, 0, 1, 0, 1, 1], [2, 3]);
    const c = contextOf(IR, [0, 1], 2);
    const eps = tf.tensor2d([0.3, -0.7, -1.1, 0.4], [2, 2]);
    // a smooth function of the posterior draw: Σ z_K + Σ log|det|
    const f = () =>
      tf.tidy(() => {
        const d = model.posterior(model.encode(x, c), eps);
        return tf.add(tf.sum(d.zK), tf.sum(d.sumLogDet)) as tf.Scalar;
      });
    const g = tf.variableGrads(f, [W]).grads[W.name]!;
    const gs = (g.arraySync() as number[][]).map((r) => r[col]!);
    g.dispose();
    // the hidden unit with the largest gradient (a ReLU unit may be off for both examples)
    const row = gs.reduce((b, v, i) => (Math.abs(v) > Math.abs(gs[b]!) ? i : b), 0);
    const auto = gs[row]!;
    const base = Float32Array.from(W.dataSync());
    const at = (delta: number) => {
      const v = Float32Array.from(base);
      v[row * W.shape[1]! + col] += delta;
      W.assign(tf.tensor(v, W.shape));
      const s = f();
      const r = s.dataSync()[0]!;
      s.dispose();
      return r;
    };
    const h = 1e-2;
    const fd = (at(h) - at(-h)) / (2 * h);
    W.assign(tf.tensor(base, W.shape));
    expect(Math.abs(auto)).toBeGreaterThan(1e-3);
    expect(Math.abs(auto - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    // and that column reaches z only through h: with the IAF steps' context weights at zero the gradient is 0
    const ctxRows = [...model.store.byName].filter(([name]) => /\.net\.0\.W$/.test(name)).map(([, v]) => v);
    expect(ctxRows.length).toBeGreaterThan(0);
    const saved = ctxRows.map((v) => Float32Array.from(v.dataSync()));
    for (const v of ctxRows) {
      const a = Float32Array.from(v.dataSync());
      const [nin, nout] = v.shape as [number, number];
      for (let i = nin - 4; i < nin; i++) for (let j = 0; j < nout; j++) a[i * nout + j] = 0;
      v.assign(tf.tensor(a, v.shape));
    }
    const g0 = tf.variableGrads(f, [W]).grads[W.name]!;
    expect(Math.abs((g0.arraySync() as number[][])[row]![col]!)).toBe(0);
    g0.dispose();
    ctxRows.forEach((v, i) => v.assign(tf.tensor(saved[i]!, v.shape)));
    tf.dispose([x, c, eps]);
  });
});
