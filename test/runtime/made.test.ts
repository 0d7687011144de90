// MADE conditioner: the composed mask is strictly autoregressive in the order (an output for
// dimension d depends only on dimensions earlier in the order), checked by autodiff on the net.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { flowIR, layer, made } from './ir-fixtures.js';
import { jacobian, perturb, randn } from './helpers.js';
import { sequentialMasks } from '../../runtime/nets/made.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MAF / MADE', () => {
  for (const order of [
    [0, 1, 2, 3, 4],
    [3, 0, 4, 2, 1],
  ]) {
    it(`MAF Jacobian is triangular in the order ${order.join(',')} (runtime-built masks)`, () => {
      const model = build(flowIR({ shape: [5], flow: [layer('maf', [5], { order, net: made(7, 6) })] }));
      perturb(model, 0.5);
      const J = jacobian((x) => model.forward!(x).z, randn([1, 5], 2));
      const pos = new Array<number>(5);
      order.forEach((d, i) => (pos[d] = i));
      let nonzeroBelow = 0;
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++) {
          if (pos[j] > pos[i])
            expect(J[i][j]).toBe(0); // z_i never depends on a later x_j
          else if (pos[j] < pos[i] && Math.abs(J[i][j]) > 1e-6) nonzeroBelow++;
        }
      expect(nonzeroBelow).toBeGreaterThan(0);
      model.dispose();
    });
  }

  it('accepts compiler-style masks ([out][in], output rows μ then α)', () => {
    const order = [2, 0, 1];
    const m = sequentialMasks(order, [4]);
    const masks = [m[0], [...m[1], ...m[1]]];
    const net = { kind: 'made' as const, hidden: [4], activation: 'tanh' as const, masks, zeroInitLast: true };
    const model = build(flowIR({ shape: [3], flow: [layer('maf', [3], { order, net })] }));
    perturb(model, 0.5);
    const J = jacobian((x) => model.forward!(x).z, randn([1, 3], 4));
    expect(J[2][0]).toBe(0); // dim 2 is first in the order: depends on nothing before it
    expect(J[2][1]).toBe(0);
    expect(J[0][1]).toBe(0); // dim 0 comes before dim 1
    model.dispose();
  });
});
