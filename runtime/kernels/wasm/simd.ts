// WebAssembly SIMD kernels working directly on tfjs's wasm heap, written as WebAssembly text next to this file
// and assembled at build time (scripts/wat.mjs) into the byte modules imported below:
//  - simd.wat: adam — Adam for large variables as ONE loop (instead of ~15 elementwise kernels, each a pass over
//    the variable); maskT — a masked weight W∘M and its transpose (W∘M)ᵀ in one pass
//    (runtime/kernels/fused/masked-dense.ts), 4×4 tiles transposed in registers;
//  - simd-made.wat: the staircase MADE layer's block copies, bias/ReLU and their gradient
//    (runtime/kernels/fused/staircase-dense.ts);
//  - bernoulli.wat: the fused Bernoulli log-likelihood (runtime/kernels/fused/bernoulli-loss.ts).
// Each module imports the backend's WebAssembly.Memory (shared in the threaded build: the `wasmShared` variant).
// Adam reads the gradient and parameter, updates the moments in place and writes the new parameter into a
// freshly allocated tensor (wasm caches XNNPACK operators with packed weights per tensor id, so a parameter must
// change id when its values change). The arithmetic is the op-by-op trainer's, operation for operation in float32
// (runtime/train-step.ts createOpTrainer):
//   g ← g·s; m ← m·β₁ + g·(1−β₁); v ← v·β₂ + (g·g)·(1−β₂); p ← p − ((m / c₁) / (√(v / c₂) + ε))·lr
// so results agree to float32 rounding (test/runtime/mixed-adam.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import * as bernoulliWasm from './bernoulli.wasm.js';
import * as madeWasm from './simd-made.wasm.js';
import * as simdWasm from './simd.wasm.js';

interface WasmModuleLike {
  HEAPU8: Uint8Array;
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}
interface WasmBackendLike {
  wasm: WasmModuleLike;
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  refCount(id: object): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

const PROGRAMS = [simdWasm, madeWasm, bernoulliWasm];

type AdamFn = (
  p: number,
  g: number,
  m: number,
  v: number,
  out: number,
  n4: number,
  s: number,
  b1: number,
  omb1: number,
  b2: number,
  omb2: number,
  c1: number,
  c2: number,
  eps: number,
  lr: number,
) => void;

type MaskTFn = (w: number, m: number, wm: number, wmT: number, I: number, O: number) => void;
/** (w, ldw, m, ldm, d, ldd, rows, cols): byte offsets, strides in elements */
export type MaskBlockFn = (
  w: number,
  ldw: number,
  m: number,
  ldm: number,
  d: number,
  ldd: number,
  rows: number,
  cols: number,
) => void;
export interface BlockKernels {
  maskBlock: MaskBlockFn;
  maskBlockT: MaskBlockFn;
  /** maskBlock without the mask (its two arguments are ignored) */
  copyBlock: MaskBlockFn;
  /** maskBlockT without the mask */
  copyBlockT: MaskBlockFn;
  zero: (d: number, ldd: number, rows: number, cols: number) => void;
  /** (z, b, O, N) in place; byte offsets */
  biasRelu: (z: number, b: number, O: number, N: number) => void;
  biasLin: (z: number, b: number, O: number, N: number) => void;
  /** (dy, y, dz, db, O, N); linGrad ignores y and dz */
  reluGrad: (dy: number, y: number, dz: number, db: number, O: number, N: number) => void;
  linGrad: (dy: number, y: number, dz: number, db: number, O: number, N: number) => void;
}
/** (l, x, out, sig, n4) and (dy, x, sig, out, n4): byte offsets, n4 a multiple of 4 */
export interface BernoulliKernels {
  bernFwd: (l: number, x: number, out: number, sig: number, n4: number) => void;
  bernGrad: (dy: number, x: number, sig: number, out: number, n4: number) => void;
}
interface Kernels extends BlockKernels, BernoulliKernels {
  adam: AdamFn;
  maskT: MaskTFn;
}

const cache = new WeakMap<object, Kernels | null>();

function wasmBackend(): WasmBackendLike | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.engine().backend as unknown as Partial<WasmBackendLike>;
  return b.wasm && b.dataIdMap && b.makeOutput ? (b as WasmBackendLike) : null;
}

/** the SIMD kernels for the current wasm backend instance, or null (cpu, no SIMD, no memory) */
function kernels(b: WasmBackendLike): Kernels | null {
  if (cache.has(b.wasm)) return cache.get(b.wasm)!;
  let fn: Kernels | null = null;
  try {
    const memory = b.wasm.wasmMemory ?? b.wasm.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const exports = PROGRAMS.map((p) => {
        const mod = new WebAssembly.Module(shared ? p.wasmShared : p.wasm);
        return new WebAssembly.Instance(mod, { env: { memory } }).exports;
      });
      fn = Object.assign({}, ...exports) as Kernels;
    }
  } catch {
    fn = null;
  }
  cache.set(b.wasm, fn);
  return fn;
}

/** whether simdAdamStep can run on the current backend */
export function simdAdamAvailable(): boolean {
  const b = wasmBackend();
  return b != null && kernels(b) != null;
}

export interface AdamScalars {
  /** gradient scale (clipping), 1 for none */
  s: number;
  b1: number;
  b2: number;
  /** bias corrections 1 − βᵗ */
  c1: number;
  c2: number;
  eps: number;
  lr: number;
}

/** gives a variable storage of its own (so that writing it in place changes nothing else) */
function own(b: WasmBackendLike, x: tf.Variable): void {
  if (b.refCount(x.dataId as object) > 1) x.assign(tf.tidy(() => tf.mul(x, 1)));
}

/**
 * One Adam step of parameter p with gradient g: moments m, v (tf.Variables of p's shape) are
 * updated in place; returns the new parameter as a fresh tensor (for p.assign). Wasm only
 * (simdAdamAvailable()).
 */
export function simdAdamStep(p: tf.Tensor, g: tf.Tensor, m: tf.Variable, v: tf.Variable, k: AdamScalars): tf.Tensor {
  const b = wasmBackend();
  const fn = b && kernels(b)?.adam;
  if (!b || !fn) throw new Error('simdAdamStep: needs the wasm backend');
  own(b, m);
  own(b, v);
  const out = tf.engine().makeTensorFromTensorInfo(b.makeOutput(p.shape.slice(), 'float32'));
  const off = (t: tf.Tensor) => b.dataIdMap.get(t.dataId as object)!.memoryOffset;
  const n = p.size,
    n4 = n & ~3;
  const omb1 = 1 - k.b1,
    omb2 = 1 - k.b2;
  const [po, go, mo, vo, oo] = [off(p), off(g), off(m), off(v), off(out)];
  fn(po, go, mo, vo, oo, n4, k.s, k.b1, omb1, k.b2, omb2, k.c1, k.c2, k.eps, k.lr);
  if (n4 < n) {
    // the last n mod 4 elements in JS, float32 op by op (fround after each operation)
    const f = Math.fround;
    const heap = (o: number) => new Float32Array(b.wasm.HEAPU8.buffer, o, n);
    const [Pa, Ga, Ma, Va, Oa] = [heap(po), heap(go), heap(mo), heap(vo), heap(oo)];
    const [s, b1, o1, b2, o2, c1, c2, eps, lr] = [k.s, k.b1, omb1, k.b2, omb2, k.c1, k.c2, k.eps, k.lr].map(
      f,
    ) as number[];
    for (let i = n4; i < n; i++) {
      const gi = f(Ga[i]! * s!);
      const mi = (Ma[i] = f(f(Ma[i]! * b1!) + f(gi * o1!)));
      const vi = (Va[i] = f(f(Va[i]! * b2!) + f(f(gi * gi) * o2!)));
      Oa[i] = f(Pa[i]! - f(f(f(mi / c1!) / f(f(Math.sqrt(f(vi / c2!))) + eps!)) * lr!));
    }
  }
  return out;
}

/**
 * [w∘mask, (w∘mask)ᵀ] as fresh tensors in one SIMD pass, for [I, O] float32 w and mask with I
 * and O multiples of 4 on the wasm backend; null otherwise (the caller uses tf ops).
 */
export function simdMaskTranspose(w: tf.Tensor2D, mask: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] | null {
  const [I, O] = w.shape;
  if (I % 4 !== 0 || O % 4 !== 0 || w.dtype !== 'float32' || mask.dtype !== 'float32') return null;
  const b = wasmBackend();
  const fn = b && kernels(b)?.maskT;
  if (!b || !fn) return null;
  const wm = tf.engine().makeTensorFromTensorInfo(b.makeOutput([I, O], 'float32')) as tf.Tensor2D;
  const wmT = tf.engine().makeTensorFromTensorInfo(b.makeOutput([O, I], 'float32')) as tf.Tensor2D;
  const off = (t: tf.Tensor) => b.dataIdMap.get(t.dataId as object)!.memoryOffset;
  fn(off(w), off(mask), off(wm), off(wmT), I, O);
  return [wm, wmT];
}

/** the block-copy SIMD kernels (staircase-dense.ts) on the current wasm backend, or null */
export function simdBlockKernels(): BlockKernels | null {
  const b = wasmBackend();
  return (b && kernels(b)) || null;
}

/** the Bernoulli log-likelihood SIMD kernels (bernoulli-loss.ts) on the current wasm backend, or null */
export function simdBernoulliKernels(): BernoulliKernels | null {
  const b = wasmBackend();
  return (b && kernels(b)) || null;
}
