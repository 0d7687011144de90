// p(x | y) flows made of MAF layers (`condition y` with no coupling): the context is an extra unmasked
// input of each MADE. Oracles, with the context held fixed:
//  - log|det ∂z/∂x| of the whole flow = the log-det the layers report, the Jacobian from autodiff;
//  - the Jacobian is triangular in the layers' orders (y does not break the autoregressive structure);
//  - ∫ p(x | y) dx = 1 for every class y (numerical integration on a grid), and p(x | 0) ≠ p(x | 1);
//  - the compiler's parameter count is the runtime's (the MADE's first layer has D + k inputs).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import { contextOf } from '../../runtime/condition.js';
import type { FlowModel } from '../../runtime/model.js';
import { createTrainer } from '../../runtime/train-step.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const spec = (flow: string, y = 'categorical(3)', D = 2) =>
  `model F {\n  data x: real[${D}]\n  condition y: ${y}\n  prior normal(0, 1)\n  flow {\n    ${flow}\n  }\n}`;

function compile(text: string): FlowIR {
  const r = compileSource(text, 'f.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return r.ir!;
}

/** random weights (the MADE's last layer starts at zero, which would make every layer the identity) */
function randomize(model: FlowModel, seed: number, std = 0.4): void {
  model.variables.forEach((v, i) => {
    if (v.dtype === 'float32') v.assign(tf.randomNormal(v.shape, 0, std, 'float32', seed + i));
  });
}

const FLOWS = [
  ['two MAF layers', 'maf([8])\n    maf([6, 5], order: reverse)'],
  ['MAF then a spline MAF', 'maf([7], order: reverse)\n    maf([6], transform: spline(bins: 4, bound: 3))'],
  ['MAF between context-free layers (actnorm, permute)', 'actnorm(data_init: false)\n    maf([8])\n    permute'],
] as const;

/** the determinant of a 3×3 matrix (cofactor expansion) */
const det3 = (m: number[][]): number =>
  m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
  m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
  m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('MAF with a context: log-det = log|det J| from autodiff, y fixed', () => {
  for (const [name, flow] of FLOWS) {
    it(name, () => {
      const D = 3;
      const ir = compile(spec(flow, 'categorical(3)', D));
      for (const l of ir.flow!) if (l.kind === 'maf') expect(l.args.context).toBe(3);
      const model = build(ir);
      expect(model.variables.reduce((a, v) => a + size(v.shape), 0)).toBe(ir.totals.params);
      randomize(model, 11);
      const x = tf.tensor2d([[0.3, -0.7, 1.1]]);
      for (const y of [0, 2]) {
        const ctx = contextOf(ir, [y], 1);
        const { logDet } = model.forward!(x, ctx);
        const J = Array.from({ length: D }, (_, j) =>
          Array.from(
            tf
              .grad((v: tf.Tensor) => tf.sum(tf.slice(model.forward!(v, ctx).z, [0, j], [1, 1])))(x)
              .dataSync(),
          ),
        );
        const det = Math.log(Math.abs(det3(J)));
        expect(Math.abs(det - logDet.dataSync()[0]!)).toBeLessThan(2e-4);
        tf.dispose([ctx, logDet]);
      }
      // the context changes the map: z(x | 0) ≠ z(x | 2)
      const [c0, c2] = [contextOf(ir, [0], 1), contextOf(ir, [2], 1)];
      const z0 = Array.from(model.forward!(x, c0).z.dataSync());
      const z2 = Array.from(model.forward!(x, c2).z.dataSync());
      expect(Math.max(...z0.map((v, i) => Math.abs(v - z2[i]!)))).toBeGreaterThan(1e-2);
      // inverse(forward(x | y) | y) = x
      const back = Array.from(model.inverse!(tf.tensor2d([z2]), c2).x.dataSync());
      back.forEach((v, i) => expect(v).toBeCloseTo(x.dataSync()[i]!, 3));
      expect(() => model.forward!(x)).toThrow(/conditioning context/);
      tf.dispose([x, c0, c2]);
      model.dispose();
    });
  }

  it('the first MAF layer with a natural order has a lower-triangular Jacobian under every y', () => {
    const ir = compile(spec('maf([8, 8])', 'real[2]', 3));
    const model = build(ir);
    randomize(model, 5);
    const x = tf.tensor2d([[0.1, 0.4, -0.2]]);
    const ctx = tf.tensor2d([[1.5, -0.5]]);
    for (let j = 0; j < 3; j++) {
      const g = tf
        .grad((v: tf.Tensor) => tf.sum(tf.slice(model.forward!(v, ctx).z, [0, j], [1, 1])))(x)
        .dataSync();
      for (let i = j + 1; i < 3; i++) expect(g[i]).toBe(0);
      expect(Math.abs(g[j]!)).toBeGreaterThan(0);
    }
    tf.dispose([x, ctx]);
    model.dispose();
  });
});

describe('a MAF-only flow p(x | y) integrates to 1 for every class', () => {
  it('∫ p(x | y) dx on a grid over [−7, 7]², after a training step with labels', () => {
    const ir = compile(spec('maf([8])\n    maf([8], order: reverse)'));
    const model = build(ir);
    randomize(model, 3, 0.25);
    // one training step with labels reaches the context weights (the first layer's last k input rows)
    const xs = tf.randomNormal([12, 2], 0, 1, 'float32', 1);
    const c = contextOf(
      ir,
      Array.from({ length: 12 }, (_, i) => i % 3),
      12,
    );
    const trainer = createTrainer(model, { lr: 1e-2 });
    expect(Number.isFinite(trainer.step(xs, c))).toBe(true);
    trainer.dispose();
    tf.dispose([xs, c]);
    const h = 0.07;
    const g = Array.from({ length: Math.round(14 / h) + 1 }, (_, i) => -7 + i * h);
    const pts = new Float32Array(g.length * g.length * 2);
    g.forEach((a, i) => g.forEach((b, j) => pts.set([a, b], (i * g.length + j) * 2)));
    const n = g.length * g.length;
    const per = [0, 1, 2].map((y) => {
      const ctx = contextOf(ir, new Array<number>(n).fill(y), n);
      const lp = tf.tidy(() => model.logProb(tf.tensor2d(pts, [n, 2]), ctx));
      const v = Array.from(lp.dataSync());
      tf.dispose([lp, ctx]);
      return v;
    });
    for (const lp of per) expect(Math.abs(lp.reduce((a, b) => a + Math.exp(b), 0) * h * h - 1)).toBeLessThan(0.01);
    const diff = Math.max(...per[0]!.map((v, i) => Math.abs(v - per[1]![i]!)));
    expect(diff).toBeGreaterThan(1e-2);
    model.dispose();
  });
});
