// Performance substitutes for the wasm backend (bench/README.md has the measurements).
// Imported once for its effect by runtime/backend.ts: loads the wasm backend's kernel table
// (not the backend itself) and registers the substitutes before the backend initialises, so
// the stock kernels' setup functions still run. FLOWC_PERF=0 turns them off (for comparisons).
import { registerUntransposedMatMul } from './perf-matmul.js';

export { registerUntransposedMatMul } from './perf-matmul.js';

export const perfKernels: string[] = [];

if (process.env.FLOWC_PERF !== '0') {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    perfKernels.push(...registerUntransposedMatMul('wasm'));
  } catch {
    // no wasm backend: nothing to substitute
  }
}
