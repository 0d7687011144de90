import * as tf from '@tensorflow/tfjs-core';

export type Activation = 'relu' | 'tanh' | 'elu' | 'gelu' | 'leaky_relu' | string;

export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'relu': return tf.relu(x);
    case 'tanh': return tf.tanh(x);
    case 'elu': return tf.elu(x);
    case 'leaky_relu': return tf.leakyRelu(x, 0.01);
    case 'gelu': // tanh approximation
      return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI),
        tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))));
    case 'sigmoid': return tf.sigmoid(x);
    case 'softplus': return tf.softplus(x);
    case 'linear': case 'none': return x;
    default: throw new Error(`unknown activation '${a}'`);
  }
}
