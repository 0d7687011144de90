// The probabilities of all configurations sum to 1 (MADE's test_total_prob, generalised to
// every conditional kind and likelihood): an exact sum over every configuration of tiny models.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { allCases } from './cases.js';
import { build, logProbAll, useCpu } from './helpers.js';

beforeAll(useCpu);

describe('total probability over all configurations', () => {
  for (const c of allCases()) {
    it(
      c.name,
      () => {
        const m = build(c.spec);
        const before = tf.memory().numTensors;
        const lp = logProbAll(m, c.K, 32768);
        let total = 0;
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of lp) {
          total += Math.exp(v);
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        expect(Math.abs(total - 1)).toBeLessThan(1e-5);
        // not a degenerate (uniform) model: the network actually shapes the distribution
        expect(hi - lo).toBeGreaterThan(1e-3);
        expect(tf.memory().numTensors).toBe(before);
        m.dispose();
      },
      900_000,
    );
  }
});
