// Performance substitutes for the wasm backend (bench/README.md has the measurements), registered
// by initBackend after the wasm backend's kernel table is loaded and before the backend
// initialises, so the stock kernels' setup functions still run. The perfKernels setting
// (FLOWC_PERF=0) turns them off (for comparisons).
import { registerUntransposedMatMul } from './perf-matmul.js';
import { config } from '../../config.js';

export { registerUntransposedMatMul } from './perf-matmul.js';

/** the kernels replaced so far */
export const perfKernels: string[] = [];

/** registers the wasm speed substitutes unless the configuration turns them off; idempotent */
export function registerPerfKernels(): void {
  if (config().perfKernels) perfKernels.push(...registerUntransposedMatMul('wasm'));
}
