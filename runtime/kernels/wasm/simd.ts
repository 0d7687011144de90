// Hand-assembled WebAssembly SIMD kernels working directly on tfjs's wasm heap:
//  - adam: Adam for large variables as ONE loop (instead of ~15 elementwise kernels, each a
//    pass over the variable);
//  - maskT: a masked weight W∘M and its transpose (W∘M)ᵀ in one pass (runtime/kernels/fused/masked-dense.ts),
//    4×4 tiles transposed in registers;
//  - the staircase MADE layer's block copies, bias/ReLU and their gradient, and the fused Bernoulli
//    log-likelihood (bodies in runtime/kernels/wasm/simd-made.ts; encoder in wasm-asm.ts).
// Adam:
// The module imports the backend's WebAssembly.Memory (shared in the threaded build) and reads
// the gradient and parameter, updates the moments in place and writes the new parameter into a
// freshly allocated tensor (wasm caches XNNPACK operators with packed weights per tensor id, so a
// parameter must change id when its values change). The arithmetic is the op-by-op trainer's,
// operation for operation in float32 (runtime/train-step.ts createOpTrainer):
//   g ← g·s; m ← m·β₁ + g·(1−β₁); v ← v·β₂ + (g·g)·(1−β₂); p ← p − ((m / c₁) / (√(v / c₂) + ε))·lr
// so results agree to float32 rounding (test/runtime/mixed-adam.test.ts). The module bytes are
// written below by a small encoder (no toolchain, no package).
import * as tf from '@tensorflow/tfjs-core';
import {
  ADD, F32, FADD, FDIV, FMUL, FSQRT, FSUB, GE_U, HI, HI64, I32, LO, LO64, LOAD, MUL, SHL, SPLAT, STORE, V128,
  get, i32c, section, set, str, tee, uleb, vec,
} from './asm.js';
import { actGradBody, bernFwdBody, bernGradBody, biasActBody, maskBlockBody, maskBlockTBody, zeroBody } from './simd-made.js';

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

// adam(p, g, m, v, out, n4, s, b1, omb1, b2, omb2, c1, c2, eps, lr): n4 elements, a multiple of 4
const P = 0, G = 1, M = 2, V = 3, OUT = 4, N = 5, FIRST_F = 6, NF = 9;
const K = 15, NB = 16, SPL = 17; // splatted constants 17..25 in the order of the f32 params
const S = SPL, B1 = SPL + 1, OMB1 = SPL + 2, B2 = SPL + 3, OMB2 = SPL + 4, C1 = SPL + 5, C2 = SPL + 6, EPS = SPL + 7, LR = SPL + 8;
const GV = SPL + 9, MN = SPL + 10, VN = SPL + 11;
const at = (base: number) => [...get(base), ...get(K), ADD];

function adamBody(): number[] {
  const body: number[] = [];
  for (let i = 0; i < NF; i++) body.push(...get(FIRST_F + i), ...SPLAT, ...set(SPL + i));
  body.push(...get(N), ...i32c(2), SHL, ...set(NB), ...i32c(0), ...set(K));
  body.push(0x02, 0x40, 0x03, 0x40);                                  // block, loop
  body.push(...get(K), ...get(NB), GE_U, 0x0d, 1);                      // br_if exit
  body.push(...at(G), ...LOAD, ...get(S), ...FMUL, ...set(GV));
  body.push(...at(M), ...at(M), ...LOAD, ...get(B1), ...FMUL, ...get(GV), ...get(OMB1), ...FMUL, ...FADD, ...tee(MN), ...STORE);
  body.push(...at(V), ...at(V), ...LOAD, ...get(B2), ...FMUL, ...get(GV), ...get(GV), ...FMUL, ...get(OMB2), ...FMUL, ...FADD, ...tee(VN), ...STORE);
  body.push(...at(OUT), ...at(P), ...LOAD,
    ...get(MN), ...get(C1), ...FDIV,
    ...get(VN), ...get(C2), ...FDIV, ...FSQRT, ...get(EPS), ...FADD,
    ...FDIV, ...get(LR), ...FMUL, ...FSUB, ...STORE);
  body.push(...get(K), ...i32c(16), ADD, ...set(K), 0x0c, 0, 0x0b, 0x0b); // k += 16; br loop; end; end
  body.push(0x0b);
  return [...vec([[...uleb(2), I32], [...uleb(12), V128]]), ...body];
}

// maskT(w, m, wm, wmT, I, O): wm = w∘m ([I, O] row-major), wmT = wmᵀ ([O, I]); I, O multiples of 4
function maskTBody(): number[] {
  const W = 0, MK = 1, WM = 2, WT = 3, NI = 4, NO = 5;             // params
  const i = 6, o = 7, src = 8, dst = 9, ob = 10, ib = 11;          // i32 locals
  const A = 12, T = 16;                                             // v128 locals a0..a3, t0..t3
  const addr = (base: number, off: number, k: number, stride: number) =>
    [...get(base), ...get(off), ADD, ...(k ? [...get(stride), ...i32c(k), MUL, ADD] : [])];
  const b: number[] = [];
  b.push(...get(NO), ...i32c(2), SHL, ...set(ob), ...get(NI), ...i32c(2), SHL, ...set(ib));
  b.push(...i32c(0), ...set(i), 0x02, 0x40, 0x03, 0x40, ...get(i), ...get(NI), GE_U, 0x0d, 1);
  b.push(...i32c(0), ...set(o), 0x02, 0x40, 0x03, 0x40, ...get(o), ...get(NO), GE_U, 0x0d, 1);
  // src = (i·O + o)·4, dst = (o·I + i)·4
  b.push(...get(i), ...get(NO), MUL, ...get(o), ADD, ...i32c(2), SHL, ...set(src));
  b.push(...get(o), ...get(NI), MUL, ...get(i), ADD, ...i32c(2), SHL, ...set(dst));
  for (let k = 0; k < 4; k++) {
    b.push(...addr(WM, src, k, ob), ...addr(W, src, k, ob), ...LOAD, ...addr(MK, src, k, ob), ...LOAD, ...FMUL, ...tee(A + k), ...STORE);
  }
  b.push(...get(A), ...get(A + 1), ...LO, ...set(T), ...get(A), ...get(A + 1), ...HI, ...set(T + 1));
  b.push(...get(A + 2), ...get(A + 3), ...LO, ...set(T + 2), ...get(A + 2), ...get(A + 3), ...HI, ...set(T + 3));
  const cols = [[T, T + 2, LO64], [T, T + 2, HI64], [T + 1, T + 3, LO64], [T + 1, T + 3, HI64]] as const;
  cols.forEach(([x, y, sh], k) => b.push(...addr(WT, dst, k, ib), ...get(x), ...get(y), ...sh, ...STORE));
  b.push(...get(o), ...i32c(4), ADD, ...set(o), 0x0c, 0, 0x0b, 0x0b);
  b.push(...get(i), ...i32c(4), ADD, ...set(i), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(6), I32], [...uleb(8), V128]]), ...b];
}

function kernelsModule(shared: boolean) {
  const fns = [adamBody(), maskTBody(), maskBlockBody(true), maskBlockTBody(true), zeroBody(), maskBlockBody(false),
    maskBlockTBody(false), bernFwdBody(), bernGradBody(), biasActBody(true), biasActBody(false), actGradBody(true), actGradBody(false)];
  const mem = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([...Array(6).fill([I32]), ...Array(NF).fill([F32])]), 0],
      [0x60, ...vec(Array(6).fill([I32])), 0],
      [0x60, ...vec(Array(8).fill([I32])), 0],
      [0x60, ...vec(Array(4).fill([I32])), 0],
      [0x60, ...vec(Array(5).fill([I32])), 0],
    ])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...mem]])),
    ...section(3, vec([[0], [1], [2], [2], [3], [2], [2], [4], [4], [3], [3], [1], [1]])),
    ...section(7, vec([[...str('adam'), 0x00, 0], [...str('maskT'), 0x00, 1],
      [...str('maskBlock'), 0x00, 2], [...str('maskBlockT'), 0x00, 3], [...str('zero'), 0x00, 4],
      [...str('copyBlock'), 0x00, 5], [...str('copyBlockT'), 0x00, 6],
      [...str('bernFwd'), 0x00, 7], [...str('bernGrad'), 0x00, 8], [...str('biasRelu'), 0x00, 9], [...str('biasLin'), 0x00, 10],
      [...str('reluGrad'), 0x00, 11], [...str('linGrad'), 0x00, 12]])),
    ...section(10, vec(fns.map((fn) => [...uleb(fn.length), ...fn]))),
  ]);
}

type AdamFn = (p: number, g: number, m: number, v: number, out: number, n4: number,
  s: number, b1: number, omb1: number, b2: number, omb2: number, c1: number, c2: number, eps: number, lr: number) => void;

type MaskTFn = (w: number, m: number, wm: number, wmT: number, I: number, O: number) => void;
/** (w, ldw, m, ldm, d, ldd, rows, cols): byte offsets, strides in elements */
export type MaskBlockFn = (w: number, ldw: number, m: number, ldm: number, d: number, ldd: number, rows: number, cols: number) => void;
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
interface Kernels extends BlockKernels, BernoulliKernels { adam: AdamFn; maskT: MaskTFn }

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
      const mod = new WebAssembly.Module(kernelsModule(shared));
      fn = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Kernels;
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
  const n = p.size, n4 = n & ~3;
  const omb1 = 1 - k.b1, omb2 = 1 - k.b2;
  const [po, go, mo, vo, oo] = [off(p), off(g), off(m), off(v), off(out)];
  fn(po, go, mo, vo, oo, n4, k.s, k.b1, omb1, k.b2, omb2, k.c1, k.c2, k.eps, k.lr);
  if (n4 < n) {
    // the last n mod 4 elements in JS, float32 op by op (fround after each operation)
    const f = Math.fround;
    const heap = (o: number) => new Float32Array(b.wasm.HEAPU8.buffer, o, n);
    const [Pa, Ga, Ma, Va, Oa] = [heap(po), heap(go), heap(mo), heap(vo), heap(oo)];
    const [s, b1, o1, b2, o2, c1, c2, eps, lr] = [k.s, k.b1, omb1, k.b2, omb2, k.c1, k.c2, k.eps, k.lr].map(f) as number[];
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
