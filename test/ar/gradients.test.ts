// Training gradients of −log p(x) agree with central finite differences (float32, so a loose
// tolerance) for one tiny instance of every conditional kind.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../runtime/gradients.js';
import { allCases } from './cases.js';
import { build, useCpu } from './helpers.js';
import { Rng } from '../../runtime/rng.js';

beforeAll(useCpu);

describe('gradients match finite differences', () => {
  const seen = new Set<string>();
  const cases = allCases().filter((c) => {
    // one RGB case per kind, plus each kind's discretized logistic mixture (whose edge bins go
    // through tf.where on a comparison: it needs the comparisons' zero gradients)
    const mix = c.name.includes('logistic mixture');
    const k = c.name.split(' ')[0]! + (mix ? ' mix' : '');
    if (seen.has(k) || !(c.name.includes('rgb') || mix)) return false;
    seen.add(k);
    return true;
  });
  for (const c of cases) {
    it(c.name, () => {
      const m = build(c.spec);
      const rng = new Rng(31);
      const x = tf.tensor(
        Array.from({ length: 3 * m.D }, () => Math.floor(rng.uniform() * c.K)),
        [3, ...c.spec.shape],
      );
      const f = () => tf.sum(m.loss(x)) as tf.Scalar;
      const { value, grads } = tf.variableGrads(f, m.variables);
      value.dispose();
      let checked = 0;
      for (const v of m.variables.filter((_, i) => i % 2 === 0).slice(0, 4)) {
        const g = grads[v.name]!.dataSync();
        const w = Float32Array.from(v.dataSync());
        // the entry with the largest gradient, and one random entry
        let big = 0;
        for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[big]!)) big = i;
        for (const i of [big, Math.floor(rng.uniform() * g.length)]) {
          const eps = 1e-2;
          const at = (delta: number) => {
            const w2 = w.slice();
            w2[i] = w[i]! + delta;
            tf.tidy(() => v.assign(tf.tensor(w2, v.shape)));
            return tf.tidy(() => f().dataSync()[0]!);
          };
          const up = at(eps);
          const down = at(-eps);
          tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
          const mid = tf.tidy(() => f().dataSync()[0]!);
          const fd = (up - down) / (2 * eps);
          // a ReLU kink inside [w − ε, w + ε] makes the one-sided slopes disagree: skip that entry
          if (Math.abs((up - mid) / eps - (mid - down) / eps) > 1e-2 * (1 + Math.abs(fd))) continue;
          expect(Math.abs(fd - g[i]!), `${v.name}[${i}]: fd ${fd} vs ${g[i]}`).toBeLessThan(
            5e-3 + 3e-2 * Math.abs(g[i]!),
          );
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(3);
      tf.dispose([x, ...Object.values(grads)]);
      m.dispose();
    });
  }
});
