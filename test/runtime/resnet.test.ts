// The ResNet conditioner (runtime/nets/resnet.ts) runs its convs as fused conv + bias (+ ReLU)
// kernels: its output and the gradients of every parameter and the input equal the same network
// written with plain conv2d / add / relu (WORKLOADS.md §W3), on cpu and wasm.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { ParamStore } from '../../runtime/nets/params.js';
import { ResNet } from '../../runtime/nets/resnet.js';
import { Rng } from '../../runtime/rng.js';

function plain(store: ParamStore, x: tf.Tensor4D, blocks: number): tf.Tensor {
  const v = (n: string) => store.byName.get(`net.${n}`)!;
  const conv = (h: tf.Tensor4D, n: string) =>
    tf.add(tf.conv2d(h, v(`${n}.W`) as tf.Tensor4D, 1, 'same'), v(`${n}.b`)) as tf.Tensor4D;
  let h = conv(x, 'in');
  for (let i = 0; i < blocks; i++) {
    const a = conv(tf.relu(h), `block${i}.conv0`);
    h = tf.add(h, conv(tf.relu(a), `block${i}.conv1`));
  }
  return conv(tf.relu(h), 'out');
}

const prev = tf.getBackend();
afterAll(async () => {
  if (prev) await tf.setBackend(prev);
});

describe('ResNet conditioner (fused conv + bias + relu)', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`equals plain conv/add/relu, values and gradients (${backend})`, async () => {
      await initBackend(backend as 'cpu' | 'wasm');
      expect(tf.getBackend()).toBe(backend);
      const store = new ParamStore(new Rng(3));
      const net = new ResNet(store, 'net', 3, 4, 2, 8, 3, false); // last conv not zero: gradients reach everything
      const x = tf.randomNormal([2, 6, 5, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const w = tf.randomNormal([2, 6, 5, 4], 0, 1, 'float32', 8);
      const vars = store.variables;
      const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), w)) as tf.Scalar;
      const before = tf.memory().numTensors;
      const a = tf.variableGrads(
        loss(() => net.apply(x)),
        vars,
      );
      const b = tf.variableGrads(
        loss(() => plain(store, x, 2)),
        vars,
      );
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(net.apply(xx), w)))(x);
      const gxp = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(plain(store, xx as tf.Tensor4D, 2), w)))(x);
      expect(Math.abs(a.value.dataSync()[0]! - b.value.dataSync()[0]!)).toBeLessThan(
        1e-3 * Math.max(1, Math.abs(b.value.dataSync()[0]!)),
      );
      expect(Object.keys(a.grads).length).toBe(vars.length);
      for (const v of vars) {
        const ga = a.grads[v.name]!.dataSync(),
          gb = b.grads[v.name]!.dataSync();
        const scale = Math.max(1e-3, ...Array.from(gb, Math.abs));
        gb.forEach((g, i) => expect(Math.abs(ga[i]! - g) / scale).toBeLessThan(1e-4));
      }
      const s = Math.max(...Array.from(gxp.dataSync(), Math.abs));
      expect(s).toBeGreaterThan(0);
      gxp.dataSync().forEach((g, i) => expect(Math.abs(gx.dataSync()[i]! - g) / s).toBeLessThan(1e-4));
      tf.dispose([a.value, b.value, gx, gxp, ...Object.values(a.grads), ...Object.values(b.grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w]);
      store.dispose();
    });
  }
});
