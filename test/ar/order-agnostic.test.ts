// Order- and connectivity-agnostic MADE (Germain et al. 2015, §3.3–3.4), compiled from spec text:
//  - every trained mask set (its own order and connectivity, with direct connections) is a normalized
//    distribution: Σ over all K^D configurations of exp(log p_m) = 1, and so is the ensemble average;
//  - the members really differ (different orders give different distributions);
//  - the compiler proves every member, and refuses settings it cannot build;
//  - one training step trains one random member (the others' output-only parameters keep their values),
//    sampling reproduces the naive sampler in each member's own order.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSource, compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { buildAutoregressive } from '../../runtime/ar/index.js';
import type { ArModel } from '../../runtime/ar/model.js';
import { allConfigs } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const spec = (data: string, made: string, extra = ''): string => `model OA {
  data x: ${data}
  ${extra}
  conditional made(${made})
  likelihood ${data.startsWith('binary') ? 'bernoulli' : 'categorical'}
}`;

function compile(text: string): FlowIR {
  const r = compileSource(text, 'oa.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return r.ir!;
}

/** exp(log p) summed over every configuration, for member m (or the ensemble when m is undefined) */
function total(model: ArModel, K: number, m?: number): { sum: number; lp: Float64Array } {
  const xs = allConfigs(model.D, K);
  const n = xs.length / model.D;
  const lp = tf.tidy(() => {
    const x = tf.tensor2d(xs, [n, model.D]);
    return m === undefined ? model.logProb(x) : tf.sum(model.logProbPerDim(x, m), 1);
  });
  const v = Float64Array.from(lp.dataSync());
  lp.dispose();
  return { sum: v.reduce((a, b) => a + Math.exp(b), 0), lp: v };
}

const cases = [
  {
    name: 'binary[4], 3 orders × 2 connectivities, direct',
    data: 'binary[4]',
    K: 2,
    made: 'hidden: [12, 12], orders: 3, connectivities: 2, ensemble: 6, direct: true',
  },
  {
    name: 'categorical(3)[3], 4 orders, random connectivity',
    data: 'categorical(3)[3]',
    K: 3,
    made: 'hidden: [10], orders: 4, connectivity: random(5), ensemble: 4',
  },
  {
    name: 'binary[5], 2 connectivities, reverse order, narrow hidden layer',
    data: 'binary[5]',
    K: 2,
    made: 'hidden: [3], connectivities: 2, ensemble: 2, direct: true',
    extra: 'order reverse',
  },
];

describe('order/connectivity-agnostic MADE: exact sums over all configurations', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ir = compile(spec(c.data, c.made, c.extra));
      const model = buildAutoregressive(ir);
      const M = model.conditional.members;
      expect(M).toBe(1 + ((ir.conditional as { members?: unknown[] }).members?.length ?? 0));
      expect(model.conditional.agnostic).toBe(true);
      const per: Float64Array[] = [];
      for (let m = 0; m < M; m++) {
        const { sum, lp } = total(model, c.K, m);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
        per.push(lp);
      }
      // the ensemble: log mean_m p_m, normalized too, and equal to the host-side mean of the members
      const ens = total(model, c.K);
      expect(Math.abs(ens.sum - 1)).toBeLessThan(1e-5);
      const E = model.evalMembers;
      for (let i = 0; i < ens.lp.length; i += 7) {
        const mean = per.slice(0, E).reduce((a, lp) => a + Math.exp(lp[i]!), 0) / E;
        expect(ens.lp[i]!).toBeCloseTo(Math.log(mean), 4);
      }
      // members are different distributions (not one mask set repeated)
      const maxDiff = Math.max(...per[0]!.map((v, i) => Math.abs(v - per[M - 1]![i]!)));
      expect(maxDiff).toBeGreaterThan(1e-3);
      model.dispose();
    });
  }

  it('fast sampling equals naive sampling, each member in its own order', () => {
    const model = buildAutoregressive(
      compile(spec('categorical(3)[4]', 'hidden: [8], orders: 3, ensemble: 3, direct: true')),
    );
    const a = model.sample(12, { seed: 4 });
    const b = model.sampleNaive(12, { seed: 4 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    model.dispose();
  });

  it('a training loss uses one member, the evaluation loss the ensemble', () => {
    const model = buildAutoregressive(compile(spec('binary[4]', 'hidden: [8], orders: 4, ensemble: 4')));
    const x = tf.tensor2d(allConfigs(4, 2), [16, 4]);
    const perMember = Array.from({ length: 4 }, (_, m) =>
      Array.from(tf.neg(tf.sum(model.logProbPerDim(x, m), 1)).dataSync()),
    );
    const seen = new Set<number>();
    for (let k = 0; k < 20; k++) {
      const l = Array.from(model.trainLoss(x).dataSync());
      const m = perMember.findIndex((p) => p.every((v, i) => Math.abs(v - l[i]!) < 1e-5));
      expect(m).toBeGreaterThanOrEqual(0);
      seen.add(m);
    }
    expect(seen.size).toBeGreaterThan(1);
    const ens = Array.from(model.loss(x).dataSync());
    const mean = ens.map((_, i) => -Math.log(perMember.reduce((a, p) => a + Math.exp(-p[i]!), 0) / 4));
    ens.forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 4));
    x.dispose();
    model.dispose();
  });
});

describe('order/connectivity-agnostic MADE: the checker', () => {
  const errors = (text: string) => checkSource(text, 'oa.flow').diagnostics.filter((d) => d.severity === 'error');

  it('refuses literal masks with several orders (FC609) and an ensemble larger than S·C', () => {
    const lit = errors(spec('binary[2]', 'masks: [[[0, 0], [1, 0]]], orders: 2'));
    expect(lit.map((d) => d.code)).toEqual(['FC609']);
    expect(lit[0]!.message).toMatch(/literal `masks`/);
    const big = errors(spec('binary[4]', 'hidden: [8], orders: 2, ensemble: 3'));
    expect(big.map((d) => d.code)).toEqual(['FC609']);
    expect(big[0]!.message).toMatch(/more mask sets than the 2 trained/);
  });

  it('accepts the members it proves, and names a member in a leak', () => {
    expect(
      errors(spec('binary[6]', 'hidden: [8, 8], orders: 5, connectivities: 3, ensemble: 15, direct: true')),
    ).toEqual([]);
  });
});
