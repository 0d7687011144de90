// Dropout is active only while a training step computes its loss (runtime/train-step.ts wraps that in
// `whileTraining`); evaluation, sampling and every other use of a model see the deterministic net.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

let active = 0;

export function whileTraining<T>(f: () => T): T {
  active++;
  try {
    return f();
  } finally {
    active--;
  }
}

export const dropoutActive = (): boolean => active > 0;

/** inverted dropout at `rate` (the kept units scaled by 1/(1 − rate)) when training, else x; masks from rng */
export function dropout(x: tf.Tensor, rate: number, rng: Rng): tf.Tensor {
  if (!(rate > 0) || !dropoutActive()) return x;
  const keep = tf.cast(tf.greaterEqual(rng.uniformTensor(x.shape), rate), 'float32');
  return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
}
