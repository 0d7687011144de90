// UnsortedSegmentSum for wasm (the gradient of gather uses it): a one-hot matrix product.
import * as tf from '@tensorflow/tfjs-core';
import { asTensor } from './wrap.js';

export function unsortedSegmentSum(x: tf.Tensor, ids: tf.Tensor, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    // ids index the leading axes of x (ids.shape is a prefix of x.shape)
    const n = ids.size;
    const rest = x.shape.slice(ids.rank);
    const flat = tf.reshape(x, [n, rest.reduce((a, b) => a * b, 1)]);
    const oh = tf.oneHot(tf.cast(tf.reshape(ids, [n]), 'int32'), numSegments); // [n, S]
    const out = tf.matMul(tf.transpose(oh), tf.cast(flat, 'float32')); // [S, rest]
    return tf.cast(tf.reshape(out, [numSegments, ...rest]), x.dtype);
  });
}

export const unsortedSegmentSumConfig = (backendName: string): tf.KernelConfig => ({
  kernelName: tf.UnsortedSegmentSum,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };
    return tf.tidy(() => unsortedSegmentSum(asTensor(x, backend), asTensor(segmentIds, backend), numSegments));
  },
});
