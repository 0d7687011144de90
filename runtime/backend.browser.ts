// Browser twin of backend.ts (picked by the playground's bundler, playground/build.mjs): WebGL where the browser
// has it, else wasm (SIMD; threads where the page is cross-origin isolated), else the pure-JS cpu backend. The
// wasm binaries are served beside the bundle (`wasmBase`, default: the folder of the page).
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmSubstitutes } from './kernels/substitutes/index.js';
import { registerPerfKernels } from './kernels/substitutes/perf-index.js';

export type BackendName = 'webgl' | 'wasm' | 'cpu';
const ORDER: BackendName[] = ['webgl', 'wasm', 'cpu'];

let wasmBase = './';
/** where the tfjs-backend-wasm*.wasm files are served (a URL ending in '/') */
export function setWasmBase(url: string): void {
  wasmBase = url;
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    if (name === 'webgl') {
      await import('@tensorflow/tfjs-backend-webgl');
      return await tf.setBackend('webgl');
    }
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmBase);
      registerPerfKernels();
      const ok = await tf.setBackend('wasm');
      if (ok) {
        await tf.ready();
        registerWasmSubstitutes();
      }
      return ok;
    }
    return await tf.setBackend('cpu');
  } catch {
    return false;
  }
}

/** Chooses and initialises a backend: `preferred` first, then webgl → wasm → cpu. Returns its name. */
export async function initBackend(preferred?: string, _hint?: unknown): Promise<string> {
  tf.enableProdMode();
  const first = ORDER.includes(preferred as BackendName) ? (preferred as BackendName) : undefined;
  const tries = first ? [first, ...ORDER.filter((n) => n !== first)] : ORDER;
  for (const name of tries) {
    if (await trySet(name)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
