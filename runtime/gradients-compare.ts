// Zero gradients for comparisons, which tfjs registers none of (shared by gradients.ts and its browser twin).
import * as tf from '@tensorflow/tfjs-core';

// Comparisons are piecewise constant: their gradient is zero. tfjs registers none, so a graph like
// tf.where(tf.greater(x, 0), a, b) with x on the tape (the discretized logistic mixture's edge bins)
// would fail with "gradient function not found for Greater".
for (const kernelName of [tf.Greater, tf.GreaterEqual, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual]) {
  if (!tf.getGradient(kernelName)) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
    });
  }
}
