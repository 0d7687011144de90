// Kernel substitutes for backends that lack what training flows needs (wasm):
// Conv2DBackpropFilter (missing), UnsortedSegmentSum (missing; gather's gradient),
// Conv2DBackpropInput (present but slow: replaced for stride 1).
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv-backprop-input.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

export { conv2dBackpropFilter } from './conv-backprop-filter.js';
export { conv2dBackpropInputStride1 } from './conv-backprop-input.js';
export { unsortedSegmentSum } from './unsorted-segment-sum.js';

const done = new Set<string>();

/** the backend's own kernels that a substitute replaced (for comparisons), by `${backend}/${kernel}` */
export const stockKernels = new Map<string, tf.KernelConfig>();

/** Registers the substitutes for `backendName` (default 'wasm'); idempotent. Returns what was registered. */
export function registerWasmSubstitutes(backendName = 'wasm'): string[] {
  if (done.has(backendName)) return [];
  done.add(backendName);
  const added: string[] = [];
  const has = (k: string) => tf.getKernel(k, backendName) != null;
  if (!has(tf.Conv2DBackpropFilter)) {
    tf.registerKernel(conv2dBackpropFilterConfig(backendName));
    added.push(tf.Conv2DBackpropFilter);
  }
  if (!has(tf.UnsortedSegmentSum)) {
    tf.registerKernel(unsortedSegmentSumConfig(backendName));
    added.push(tf.UnsortedSegmentSum);
  }
  const stock = tf.getKernel(tf.Conv2DBackpropInput, backendName);
  if (stock) {
    stockKernels.set(`${backendName}/${tf.Conv2DBackpropInput}`, stock);
    tf.unregisterKernel(tf.Conv2DBackpropInput, backendName);
  }
  tf.registerKernel(conv2dBackpropInputConfig(backendName, stock));
  added.push(tf.Conv2DBackpropInput);
  return added;
}
