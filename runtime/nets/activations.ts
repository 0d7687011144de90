// The activations as tfjs ops: the same definitions and constants as the scalar forms of
// compiler/math/activations.ts (one table of names; test/runtime/activations.test.ts holds them equal).
import * as tf from '@tensorflow/tfjs-core';
import { GELU_C, GELU_K, LEAKY_SLOPE, activationName } from '../../compiler/math/activations.js';

export type Activation = 'relu' | 'tanh' | 'elu' | 'gelu' | 'leaky_relu' | 'sigmoid' | 'softplus' | 'linear' | 'none';

function known(a: string): NonNullable<ReturnType<typeof activationName>> {
  const n = activationName(a);
  if (!n) throw new Error(`unknown activation '${a}'`);
  return n;
}

export function activate(x: tf.Tensor, a: string): tf.Tensor {
  switch (known(a)) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'leaky_relu':
      return tf.leakyRelu(x, LEAKY_SLOPE);
    case 'gelu':
      return tf.tidy(() =>
        tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(GELU_K, tf.add(x, tf.mul(GELU_C, tf.pow(x, 3))))))),
      );
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'linear':
      return x;
  }
}

/** f′(x), elementwise (for log-dets that need the derivative itself, e.g. planar flows) */
export function activateGrad(x: tf.Tensor, a: string): tf.Tensor {
  return tf.tidy(() => {
    switch (known(a)) {
      case 'relu':
        return tf.step(x, 0);
      // tf.step has a (zero) gradient; tf.greater has none
      case 'leaky_relu':
        return tf.add(LEAKY_SLOPE, tf.mul(1 - LEAKY_SLOPE, tf.step(x, 0)));
      case 'tanh':
        return tf.sub(1, tf.square(tf.tanh(x)));
      case 'sigmoid': {
        const s = tf.sigmoid(x);
        return tf.mul(s, tf.sub(1, s));
      }
      case 'softplus':
        return tf.sigmoid(x);
      case 'elu':
        return tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0)));
      case 'linear':
        return tf.onesLike(x);
      case 'gelu': {
        const t = tf.tanh(tf.mul(GELU_K, tf.add(x, tf.mul(GELU_C, tf.pow(x, 3)))));
        const du = tf.mul(GELU_K, tf.add(1, tf.mul(3 * GELU_C, tf.square(x))));
        return tf.add(tf.mul(0.5, tf.add(1, t)), tf.mul(tf.mul(tf.mul(0.5, x), tf.sub(1, tf.square(t))), du));
      }
    }
  });
}
