// flowpp(…, weight_norm: true): weight-normalised hidden convs (w = g·v/‖v‖ per output channel) with the
// data-dependent init of g and b on the first batch (Salimans & Kingma 2016; Flow++'s nn.py).
// Oracles: the normalised weight's per-channel norm is g; after the init the first batch's pre-activations of
// the first two weight-normed convs (recomputed here from the variables) have mean 0 and variance 1 per
// channel; the registry counts +1 g per output channel; a coupling with such a net keeps log-det = autodiff
// log|det J|; a checkpoint round trip keeps g, v and the init flag, and a resumed model does not re-init.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import type { FlowModel } from '../../runtime/model.js';
import { ParamStore } from '../../runtime/nets/params.js';
import { FlowppNet, weightNormed } from '../../runtime/nets/flowpp.js';
import { Rng } from '../../runtime/rng.js';
import { decodeCheckpoint, encodeCheckpoint, restoreVariables } from '../../runtime/checkpoint.js';
import { jacobian, logAbsDet, perturb, randn } from '../runtime/helpers.js';
import { irOf } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const WN = 'flowpp(blocks: 1, channels: 8, heads: 2, weight_norm: true)';
const PLAIN = 'flowpp(blocks: 1, channels: 8, heads: 2)';
const coupling = (net: string, mask = 'checkerboard') => `coupling(logistic_mixture, k: 2, mask: ${mask}, net: ${net})`;
const initialize = (m: FlowModel, x: tf.Tensor) => (m as unknown as { initialize(x: tf.Tensor): void }).initialize(x);
/** variables by stable name (a second model's names carry a #k suffix, as ParamStore makes them unique) */
const byName = (m: FlowModel) => new Map(m.variables.map((v) => [v.name.replace(/(#|~)\d+$/, ''), v]));

function channelMoments(t: tf.Tensor): { mean: number[]; variance: number[] } {
  const { mean, variance } = tf.moments(t, [0, 1, 2]);
  return { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) };
}

describe('flowpp(…, weight_norm: true)', () => {
  it('w = g·v/‖v‖ has norm g per output channel', () => {
    const v = randn([3, 3, 4, 5], 1, 0.7);
    const g = tf.tensor1d([0.5, 1, 2, 3.5, 0.1]);
    const w = weightNormed(v, g);
    const norms = tf.sqrt(tf.sum(tf.square(w), [0, 1, 2])).dataSync();
    expect(Array.from(norms).map((n) => Number(n.toFixed(4)))).toEqual([0.5, 1, 2, 3.5, 0.1]);
  });

  it('the registry counts +1 g per output channel of each hidden conv, and the runtime builds that', () => {
    for (const [data, mask] of [
      ['real[2, 4, 4]', 'checkerboard'],
      ['real[5]', 'alternate'],
    ] as const) {
      const wn = irOf(data, coupling(WN, mask));
      const plain = irOf(data, coupling(PLAIN, mask));
      // in: 8, block: conv 8 + gate 16 + qkv 24 + attn 16
      expect(wn.totals.params - plain.totals.params).toBe(8 + 8 + 16 + 24 + 16);
      const model = build(wn);
      expect(model.variables.filter((v) => v.trainable).reduce((a, v) => a + v.size, 0)).toBe(wn.totals.params);
      const buffers = model.variables.filter((v) => !v.trainable).map((v) => v.name);
      expect(buffers).toEqual([`${wn.flow![0]!.id}.net.wn_initialized`]);
      expect(wn.flow![0]!.params.map((p) => p.name)).toContain('net.block0.qkv.g');
      model.dispose();
      // without the argument the IR and the variables are what they were
      expect(JSON.stringify(plain)).not.toContain('weightNorm');
    }
  });

  it('after the data init the first batch has zero-mean, unit-variance pre-activations per channel', () => {
    const store = new ParamStore(new Rng(3));
    const net = new FlowppNet(
      store,
      'n',
      { kind: 'flowpp', blocks: 1, channels: 8, heads: 2, dropout: 0, zeroInitLast: true, weightNorm: true },
      [4, 4, 2],
      [4, 4, 3],
    );
    expect(net.needsInit()).toBe(true);
    const x = tf.add(tf.mul(randn([16, 4, 4, 2], 5), 3), 1.5);
    net.apply(x).dispose();
    expect(net.needsInit()).toBe(false);
    const v = (n: string) => store.byName.get(`n.${n}`)!;
    expect(v('wn_initialized').dataSync()[0]).toBe(1);
    const conv = (h: tf.Tensor, p: string) =>
      tf.add(
        tf.conv2d(h as tf.Tensor4D, weightNormed(v(`${p}.v`), v(`${p}.g`)) as tf.Tensor4D, 1, 'same'),
        v(`${p}.b`),
      );
    const t0 = conv(x, 'in');
    const h = tf.add(t0, v('pos'));
    const t1 = conv(tf.elu(tf.concat([h, tf.neg(h)], 3)), 'block0.conv');
    for (const t of [t0, t1]) {
      const { mean, variance } = channelMoments(t);
      for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-4);
      for (const s of variance) expect(Math.abs(s - 1)).toBeLessThan(1e-3);
    }
    // a second batch does not re-initialise
    const g = Array.from(v('in.g').dataSync());
    net.apply(tf.mul(x, 10)).dispose();
    expect(Array.from(v('in.g').dataSync())).toEqual(g);
    store.dispose();
  });

  it('a mixture coupling with a weight-normed flowpp net: log-det = log|det J| of the autodiff Jacobian', () => {
    const model = build(irOf('real[1, 4, 4]', coupling(WN)));
    initialize(model, randn([8, 1, 4, 4], 2));
    perturb(model, 0.2, 4);
    const x = randn([1, 1, 4, 4], 6);
    const J = jacobian((xx) => model.forward!(xx).z, x);
    const got = tf.tidy(() => model.forward!(x).logDet.dataSync()[0]!);
    expect(Math.abs(got - logAbsDet(J))).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(got)));
    expect(Math.abs(got)).toBeGreaterThan(1e-2);
    model.dispose();
  });

  it('FlowModel.initialize runs the init on the first batch; a checkpoint keeps g, v and the flag', () => {
    const ir = irOf('real[1, 4, 4]', coupling(WN));
    const a = build(ir);
    const id = ir.flow![0]!.id;
    const x = randn([8, 1, 4, 4], 7, 2);
    initialize(a, x);
    const va = byName(a);
    expect(va.get(`${id}.net.wn_initialized`)!.dataSync()[0]).toBe(1);
    expect(Array.from(va.get(`${id}.net.in.g`)!.dataSync()).some((g) => Math.abs(g - 1) > 1e-3)).toBe(true);
    perturb(a, 0.1, 8); // as training would move them
    const ck = decodeCheckpoint(encodeCheckpoint(a, { step: 1, cursor: 0, meta: {}, ir }), 'c.ckpt');
    const b = build(ir);
    restoreVariables(b, ck);
    const vb = byName(b);
    for (const n of ['net.in.v', 'net.in.g', 'net.block0.gate.g', 'net.wn_initialized']) {
      expect(Array.from(vb.get(`${id}.${n}`)!.dataSync())).toEqual(Array.from(va.get(`${id}.${n}`)!.dataSync()));
    }
    // resuming on another batch: no re-init, the same function as before the save
    initialize(b, tf.mul(x, 5));
    expect(Array.from(vb.get(`${id}.net.in.g`)!.dataSync())).toEqual(Array.from(va.get(`${id}.net.in.g`)!.dataSync()));
    const za = a.forward!(x).z.dataSync(),
      zb = b.forward!(x).z.dataSync();
    expect(Array.from(zb)).toEqual(Array.from(za));
    a.dispose();
    b.dispose();
  });
});
