// Backend selection: tfjs-node (native) if it loads, else wasm (SIMD), else the pure-JS cpu backend.
// The configuration's `backend` (FLOWC_BACKEND) overrides the preference. Returns the active backend's name.
// wasm threads: `wasmThreads` (FLOWC_WASM_THREADS) forces N; otherwise two for models whose work per step is
// large (a WorkHint from the FlowIR, runtime/kernels/threads/wasm-threads.ts), one without a hint.
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import path from 'node:path';
import { config } from './config.js';
import { registerWasmSubstitutes } from './kernels/substitutes/index.js';
import { registerPerfKernels } from './kernels/substitutes/perf-index.js';
import { type WorkHint, wasmThreadsWanted, withWasmThreads } from './kernels/threads/wasm-threads.js';
import { dataParallelWanted, planDataParallel } from './parallel/data-parallel.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

async function tryTensorflow(): Promise<boolean> {
  try {
    // optionalDependency, usually absent: keep the specifier opaque to the type checker
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

let wasmPathsSet = false;
async function tryWasm(hint?: WorkHint): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet && typeof process !== 'undefined' && process.versions?.node) {
      const require = createRequire(import.meta.url);
      const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
      const dir = path.join(path.dirname(entry), path.sep);
      // a file-system prefix: Emscripten reads the binary with fs in Node (SIMD, single-threaded)
      wasm.setWasmPaths(dir);
      wasmPathsSet = true;
    }
    registerPerfKernels(); // before the backend initialises (perfKernels setting)
    // two or more threads: the threaded build, started through a Node worker shim
    // or one thread here and a data-parallel worker beside it (runtime/parallel/data-parallel.ts)
    const dp = dataParallelWanted(config(), hint);
    planDataParallel(dp);
    const threads = dp ? 1 : wasmThreadsWanted(config(), hint);
    const ok =
      threads > 1
        ? await withWasmThreads(threads, async () => {
            const r = await tf.setBackend('wasm');
            await tf.ready();
            return r;
          })
        : await tf.setBackend('wasm');
    if (ok) {
      await tf.ready();
      registerWasmSubstitutes();
    }
    return ok;
  } catch {
    return false;
  }
}

async function trySet(name: BackendName, hint?: WorkHint): Promise<boolean> {
  if (name === 'tensorflow') return tryTensorflow();
  if (name === 'wasm') return tryWasm(hint);
  try {
    return await tf.setBackend('cpu');
  } catch {
    return false;
  }
}

/**
 * Chooses and initialises a backend. Preference: the configuration's `backend`, then `preferred`, then
 * tensorflow → wasm → cpu. A preferred backend that fails to load falls back down the list.
 * `hint` (the model's work per step, see workHint) lets wasm start two threads for heavy models.
 */
export async function initBackend(preferred?: BackendName, hint?: WorkHint): Promise<string> {
  // production mode: no "install tfjs-node" banner or debug checks (tfDebug keeps them)
  const cfg = config();
  if (!cfg.tfDebug) tf.enableProdMode();
  const first = cfg.backend !== 'auto' ? cfg.backend : preferred;
  const tries = first ? [first, ...ORDER.slice(ORDER.indexOf(first) + 1)] : ORDER;
  for (const name of tries) {
    if (await trySet(name, hint)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

/** the work hint of a model: FlowIR's forward FLOPs per example and its training batch */
export function workHint(
  ir: { totals?: { flops: number; params?: number }; train?: { batch?: number } },
  batch?: number,
): WorkHint | undefined {
  const flops = ir.totals?.flops;
  const b = batch ?? ir.train?.batch;
  return flops && b ? { flopsPerExample: flops, batch: b, params: ir.totals?.params } : undefined;
}
