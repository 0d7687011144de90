// lastSlots (runtime/bijectors/transforms/types.ts) slices a transform's parameters [..., P] through a 2-D
// view, because the wasm backend slices rank-5 tensors element by element in JavaScript: the values and the
// gradients must be those of the plain slice at the tensor's own rank.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { lastSlots, slot } from '../../runtime/bijectors/transforms/types.js';
import { randn } from '../runtime/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lastSlots', () => {
  for (const shape of [
    [2, 3, 3, 2, 7],
    [4, 5, 7],
    [3, 7],
  ]) {
    it(`[${shape.join(', ')}]: values and gradients of the slice at rank ${shape.length}`, () => {
      const p = randn(shape, 3);
      const w = randn([...shape.slice(0, -1), 3], 4);
      const plain = (t: tf.Tensor) => {
        const { begin, size } = slot(t, 2, 3);
        return tf.slice(t, begin, size);
      };
      const a = lastSlots(p, 2, 3),
        b = plain(p);
      expect(a.shape).toEqual(b.shape);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      const ga = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lastSlots(t, 2, 3), w)))(p);
      const gb = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(plain(t), w)))(p);
      expect(Array.from(ga.dataSync())).toEqual(Array.from(gb.dataSync()));
      expect(Array.from(ga.dataSync()).some((v) => v !== 0)).toBe(true);
    });
  }
});
