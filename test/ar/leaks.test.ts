// No tensor leaks across steps: logProb, a gradient step, sampling (both modes) and completion
// leave tf.memory().numTensors unchanged; dispose releases every variable.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { allCases } from './cases.js';
import { build, useCpu } from './helpers.js';
import '../../runtime/gradients.js';

beforeAll(useCpu);

describe('no tensor leaks', () => {
  const seen = new Set<string>();
  // one case per conditional kind is enough here
  const cases = allCases().filter((c) => {
    const k = c.name.split(' ')[0]!;
    if (seen.has(k) || !c.name.includes('rgb')) return false;
    seen.add(k);
    return true;
  });
  for (const c of cases) {
    it(c.name, () => {
      const start = tf.memory().numTensors;
      const m = build(c.spec);
      const x = tf.tensor(
        Array.from({ length: 2 * m.D }, (_, i) => i % c.K),
        [2, ...c.spec.shape],
      );
      const afterBuild = tf.memory().numTensors;
      const counts: number[] = [];
      for (let step = 0; step < 3; step++) {
        const lp = m.logProb(x);
        const { value, grads } = tf.variableGrads(() => tf.mean(m.loss(x)) as tf.Scalar, m.variables);
        expect(Object.keys(grads).length).toBe(m.variables.length);
        for (const g of Object.values(grads))
          expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!))).toBe(true);
        tf.dispose([lp, value, ...Object.values(grads)]);
        const s = m.sample(2, { seed: step });
        const sn = m.sampleNaive(1, { seed: step });
        tf.dispose([s, sn]);
        counts.push(tf.memory().numTensors);
      }
      expect(counts).toEqual([afterBuild, afterBuild, afterBuild]);
      x.dispose();
      m.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }
});
