// Browser twin of wasm-threads.ts (picked by the playground's bundler, playground/build.mjs): in a browser the
// wasm backend starts its threaded build by itself where the page is cross-origin isolated (the playground's
// server sends COOP/COEP), so only the question "how many threads run" remains.
import * as tf from '@tensorflow/tfjs-core';

export type { WorkHint } from './wasm-threads.js';

/** Threads in the active wasm backend's XNNPACK pool (1 when single-threaded or not wasm). */
export function activeWasmThreads(): number {
  if (tf.getBackend() !== 'wasm') return 1;
  const b = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return b.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}
