// Browser twin of backend.ts (picked by the playground's bundler, playground/build.mjs): WebGL where the browser
// has a GPU (not a software rasterizer), else wasm (SIMD; threads where the page is cross-origin isolated), else
// the pure-JS cpu backend. The wasm binaries are served beside the bundle (`wasmBase`, default: the page's folder).
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

async function trySet(name: BackendName, explicit: boolean): Promise<boolean> {
  try {
    if (name === 'webgl') {
      await import('@tensorflow/tfjs-backend-webgl');
      if (!(await tf.setBackend('webgl'))) return false;
      // a software rasterizer (SwiftShader, llvmpipe: headless browsers, no GPU) is far slower than wasm
      if (!explicit && softwareRenderer()) {
        tf.removeBackend('webgl');
        return false;
      }
      return true;
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

/** the WebGL context's renderer names a software rasterizer */
function softwareRenderer(): boolean {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (!gl) return false;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|software|basic render/i.test(name);
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
    if (await trySet(name, name === first)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
