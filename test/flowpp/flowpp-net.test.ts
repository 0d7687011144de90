// The Flow++ conditioner net: parameters built = parameters the registry counts (images and vectors),
// attention mixes all positions (a far-away pixel changes the output), dropout only while training,
// and a mixture coupling with a flowpp net passes the autodiff log-det oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { ParamStore } from '../../runtime/nets/params.js';
import { FlowppNet } from '../../runtime/nets/flowpp.js';
import { whileTraining } from '../../runtime/nets/dropout.js';
import { Rng } from '../../runtime/rng.js';
import { jacobian, logAbsDet, perturb, randn } from '../runtime/helpers.js';
import { irOf } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NET = 'flowpp(blocks: 2, channels: 8, heads: 2)';

describe('flowpp conditioner', () => {
  for (const [name, data, mask] of [
    ['image', 'real[2, 4, 4]', 'checkerboard'],
    ['image, channel mask', 'real[2, 4, 4]', 'channel'],
    ['vector', 'real[5]', 'alternate'],
  ] as const) {
    it(`${name}: the registry counts what the runtime builds`, () => {
      const ir = irOf(data, `coupling(logistic_mixture, k: 2, mask: ${mask}, net: ${NET})`);
      const model = build(ir);
      expect(model.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0)).toBe(ir.totals.params);
      model.dispose();
    });
  }

  it('self-attention: the output at one pixel depends on a pixel 3 steps away (beyond two 3×3 convs)', () => {
    const store = new ParamStore(new Rng(1));
    const net = new FlowppNet(
      store,
      'n',
      { kind: 'flowpp', blocks: 1, channels: 8, heads: 2, dropout: 0, zeroInitLast: false },
      [6, 6, 1],
      [6, 6, 2],
    );
    const x = randn([1, 6, 6, 1], 2);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(net.apply(xx), [0, 0, 0, 0], [1, 1, 1, 2])))(x);
    // two 3×3 convs see at most 2 pixels away; (5, 5) is 5 away from (0, 0)
    expect(Math.abs(g.dataSync()[35]!)).toBeGreaterThan(0);
    store.dispose();
  });

  it('dropout acts only while training, and then changes the output', () => {
    const store = new ParamStore(new Rng(1));
    const net = new FlowppNet(
      store,
      'n',
      { kind: 'flowpp', blocks: 1, channels: 8, heads: 2, dropout: 0.5, zeroInitLast: false },
      [4],
      [8],
    );
    const x = randn([3, 4], 3);
    const a = net.apply(x).dataSync(),
      b = net.apply(x).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = whileTraining(() => net.apply(x).dataSync());
    expect(Array.from(c)).not.toEqual(Array.from(a));
    store.dispose();
  });

  it('mixture coupling with a flowpp net on an image: log-det = log|det J|', () => {
    const model = build(irOf('real[1, 4, 4]', `coupling(logistic_mixture, k: 2, mask: checkerboard, net: ${NET})`));
    perturb(model, 0.2, 4);
    const x = randn([1, 1, 4, 4], 6);
    const J = jacobian((xx) => model.forward!(xx).z, x);
    const got = tf.tidy(() => model.forward!(x).logDet.dataSync()[0]!);
    expect(Math.abs(got - logAbsDet(J))).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(got)));
    model.dispose();
  });
});
