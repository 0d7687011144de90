// The fused NADE pass (nade-fused.ts) for one likelihood parameter per dimension (Bernoulli: the
// MNIST models) with its row operations in WebAssembly SIMD: a small hand-assembled module
// (runtime/kernels/wasm-asm.ts) with `dot` and `axpy` over f32x4 lanes, on its own memory that
// holds V, W, their gradients and the batch state (a, h, Σ_run V·∂out, Σ ∂a; rows padded to a
// multiple of 4 floats with zeros), and the once-per-run sigmoid and flush of Σ_run V·∂out. Same
// algorithm and loop order as the JS pass, so the same values to float32 rounding (a is float32
// here: the backward restores it by subtraction to ~1e-7) — test/ar/nade-fused.test.ts.
import {
  ADD, F32, FADD, FMUL, GE_U, I32, LOAD, SHL, SPLAT, STORE, V128, get, i32c, section, set, simd, str, uleb, vec,
} from '../kernels/wasm/asm.js';

const EXTRACT = (lane: number) => simd(0x1f, lane);
const F32_ADD = 0x92;

/** axpy(y, x, alpha, n): y[i] += alpha·x[i] for n floats (a multiple of 4); byte offsets */
function axpyBody(): number[] {
  const Y = 0, X = 1, AL = 2, N = 3, K = 4, END = 5, A = 6;
  const b: number[] = [...get(AL), ...SPLAT, ...set(A), ...get(N), ...i32c(2), SHL, ...set(END), ...i32c(0), ...set(K)];
  b.push(0x02, 0x40, 0x03, 0x40, ...get(K), ...get(END), GE_U, 0x0d, 1);
  b.push(...get(Y), ...get(K), ADD);                                          // store address
  b.push(...get(Y), ...get(K), ADD, ...LOAD, ...get(X), ...get(K), ADD, ...LOAD, ...get(A), ...FMUL, ...FADD, ...STORE);
  b.push(...get(K), ...i32c(16), ADD, ...set(K), 0x0c, 0, 0x0b, 0x0b, 0x0b);
  return [...vec([[...uleb(2), I32], [...uleb(1), V128]]), ...b];
}

/** dot(x, y, n) → Σ x[i]·y[i] for n floats (a multiple of 4) */
function dotBody(): number[] {
  const X = 0, Y = 1, N = 2, K = 3, END = 4, S = 5;
  const b: number[] = [0x43, 0, 0, 0, 0, ...SPLAT, ...set(S)];
  b.push(...get(N), ...i32c(2), SHL, ...set(END), ...i32c(0), ...set(K));
  b.push(0x02, 0x40, 0x03, 0x40, ...get(K), ...get(END), GE_U, 0x0d, 1);
  b.push(...get(S), ...get(X), ...get(K), ADD, ...LOAD, ...get(Y), ...get(K), ADD, ...LOAD);
  b.push(...FMUL, ...FADD, ...set(S));
  b.push(...get(K), ...i32c(16), ADD, ...set(K), 0x0c, 0, 0x0b, 0x0b);
  b.push(...get(S), ...EXTRACT(0), ...get(S), ...EXTRACT(1), F32_ADD);
  b.push(...get(S), ...EXTRACT(2), F32_ADD, ...get(S), ...EXTRACT(3), F32_ADD, 0x0b);
  return [...vec([[...uleb(2), I32], [...uleb(1), V128]]), ...b];
}

const FNEG = simd(0xe1), FMIN = simd(0xe8), FMAX = simd(0xe9), FFLOOR = simd(0x68);
const FSUB = simd(0xe5), FDIV = simd(0xe7);
const TRUNC_S = simd(0xf8), ISHL = simd(0xab), IADD = simd(0xae);
/** a splatted f32 constant */
const splat = (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer), ...SPLAT];
const isplat = (v: number) => [...i32c(v), ...simd(0x11)];

/**
 * sigmoidRow(h, a, n): h[i] = 1 / (1 + e^−a[i]) for n floats (a multiple of 4), with e^x = 2^i·e^(f·ln 2),
 * |f| ≤ 1/2, by the same degree-7 Taylor polynomial as nade-fused.ts's sigmoid
 */
function sigmoidBody(): number[] {
  const Hp = 0, Ap = 1, N = 2, K = 3, END = 4, T = 5, Y = 6, I = 7, Pv = 8;
  const b: number[] = [...get(N), ...i32c(2), SHL, ...set(END), ...i32c(0), ...set(K)];
  b.push(0x02, 0x40, 0x03, 0x40, ...get(K), ...get(END), GE_U, 0x0d, 1);
  // y = clamp(−a, ±87)·log2 e; i = floor(y + 1/2); t = (y − i)·ln 2
  b.push(...get(Ap), ...get(K), ADD, ...LOAD, ...FNEG, ...splat(87), ...FMIN, ...splat(-87), ...FMAX);
  b.push(...splat(Math.LOG2E), ...FMUL, ...set(Y));
  b.push(...get(Y), ...splat(0.5), ...FADD, ...FFLOOR, ...set(I));
  b.push(...get(Y), ...get(I), ...FSUB, ...splat(Math.LN2), ...FMUL, ...set(T));
  const coef = [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1];
  b.push(...splat(coef[0]!), ...set(Pv));
  for (const cf of coef.slice(1)) b.push(...get(Pv), ...get(T), ...FMUL, ...splat(cf), ...FADD, ...set(Pv));
  // h = 1 / (1 + p·2^i), 2^i from its bits: (i + 127) << 23
  b.push(...get(Hp), ...get(K), ADD, ...splat(1));
  b.push(...splat(1), ...get(Pv), ...get(I), ...TRUNC_S, ...isplat(127), ...IADD, ...i32c(23), ...ISHL);
  b.push(...FMUL, ...FADD);
  b.push(...FDIV, ...STORE);
  b.push(...get(K), ...i32c(16), ADD, ...set(K), 0x0c, 0, 0x0b, 0x0b, 0x0b);
  return [...vec([[...uleb(2), I32], [...uleb(4), V128]]), ...b];
}

/** flushRow(g, acc, h, n): g[i] += acc[i]·h[i]·(1 − h[i]); acc[i] = 0 (n floats, a multiple of 4) */
function flushBody(): number[] {
  const G = 0, AC = 1, Hp = 2, N = 3, K = 4, END = 5, S = 6;
  const b: number[] = [...get(N), ...i32c(2), SHL, ...set(END), ...i32c(0), ...set(K)];
  b.push(0x02, 0x40, 0x03, 0x40, ...get(K), ...get(END), GE_U, 0x0d, 1);
  b.push(...get(Hp), ...get(K), ADD, ...LOAD, ...set(S));
  b.push(...get(G), ...get(K), ADD, ...get(G), ...get(K), ADD, ...LOAD);
  b.push(...get(AC), ...get(K), ADD, ...LOAD, ...get(S), ...FMUL);
  b.push(...splat(1), ...get(S), ...FSUB, ...FMUL, ...FADD, ...STORE);
  b.push(...get(AC), ...get(K), ADD, ...splat(0), ...STORE);
  b.push(...get(K), ...i32c(16), ADD, ...set(K), 0x0c, 0, 0x0b, 0x0b, 0x0b);
  return [...vec([[...uleb(2), I32], [...uleb(1), V128]]), ...b];
}

function moduleBytes() {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([[I32], [I32], [F32], [I32]]), 0],
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[F32]])],
      [0x60, ...vec([[I32], [I32], [I32]]), 0],
      [0x60, ...vec([[I32], [I32], [I32], [I32]]), 0],
    ])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [1], [2], [3]])),
    ...section(7, vec([[...str('axpy'), 0x00, 0], [...str('dot'), 0x00, 1], [...str('sigmoidRow'), 0x00, 2],
      [...str('flushRow'), 0x00, 3]])),
    ...section(10, vec([axpyBody(), dotBody(), sigmoidBody(), flushBody()].map((fn) => [...uleb(fn.length), ...fn]))),
  ]);
}

interface Kernels {
  axpy(y: number, x: number, alpha: number, n: number): void;
  dot(x: number, y: number, n: number): number;
  sigmoidRow(h: number, a: number, n: number): void;
  flushRow(g: number, acc: number, h: number, n: number): void;
}

let kernels: { memory: WebAssembly.Memory; fn: Kernels } | null | undefined;

/** the module on its own memory, or null where WebAssembly SIMD is missing */
export function nadeSimdKernels(): { memory: WebAssembly.Memory; fn: Kernels } | null {
  if (kernels !== undefined) return kernels;
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), { env: { memory } });
    kernels = { memory, fn: inst.exports as unknown as Kernels };
  } catch {
    kernels = null;
  }
  return kernels;
}

/** the memory layout of one op call: float offsets of padded [rows, H4] blocks */
class Layout {
  readonly H4: number;
  readonly V: number; readonly W: number; readonly gV: number; readonly gW: number;
  readonly a: number; readonly h: number; readonly acc: number; readonly g: number;
  readonly f: Float32Array;
  readonly fn: Kernels;
  readonly stale: Uint8Array;

  constructor(
    readonly N: number, readonly D: number, readonly H: number, W: Float32Array, V: Float32Array, c: Float32Array,
  ) {
    const k = nadeSimdKernels()!;
    const H4 = (this.H4 = Math.ceil(H / 4) * 4);
    let o = 0;
    const take = (rows: number) => ((o += rows * H4), o - rows * H4);
    this.V = take(D); this.W = take(D); this.gV = take(D); this.gW = take(D);
    this.a = take(N); this.h = take(N); this.acc = take(N); this.g = take(N);
    const need = o * 4 - k.memory.buffer.byteLength;
    if (need > 0) k.memory.grow(Math.ceil(need / 65536));
    this.f = new Float32Array(k.memory.buffer, 0, o);
    this.f.fill(0);
    this.fn = k.fn;
    for (let d = 0; d < D; d++) {
      this.f.set(V.subarray(d * H, (d + 1) * H), this.V + d * H4);
      this.f.set(W.subarray(d * H, (d + 1) * H), this.W + d * H4);
    }
    for (let n = 0; n < N; n++) this.f.set(c, this.a + n * H4);
    this.stale = new Uint8Array(N).fill(1);
  }

  /** byte offset of row r of the block at float offset base */
  at(base: number, r: number): number {
    return (base + r * this.H4) * 4;
  }

  /** h[n] = σ(a[n]) if a[n] changed; its byte offset */
  hOf(n: number): number {
    const ho = this.h + n * this.H4;
    if (this.stale[n]) {
      this.fn.sigmoidRow(ho * 4, (this.a + n * this.H4) * 4, this.H4);
      this.stale[n] = 0;
    }
    return ho * 4;
  }

  /** a[n] += v·W[d] */
  addW(n: number, v: number, d: number): void {
    this.fn.axpy(this.at(this.a, n), this.at(this.W, d), v, this.H4);
    this.stale[n] = 1;
  }

  /** an unpadded copy of a [D, H4] block */
  rows(base: number): Float32Array {
    const out = new Float32Array(this.D * this.H);
    for (let d = 0; d < this.D; d++) {
      const o = base + d * this.H4;
      out.set(this.f.subarray(o, o + this.H), d * this.H);
    }
    return out;
  }
}

/** forward: out [N, D] (P = 1) */
export function simdForward(
  order: readonly number[], N: number, D: number, H: number,
  x: Float32Array, W: Float32Array, c: Float32Array, V: Float32Array, b: Float32Array,
): Float32Array {
  const L = new Layout(N, D, H, W, V, c);
  const out = new Float32Array(N * D);
  for (let t = 0; t < D; t++) {
    const d = order[t]!;
    const vo = L.at(L.V, d);
    for (let n = 0; n < N; n++) {
      out[n * D + d] = b[d]! + L.fn.dot(L.hOf(n), vo, L.H4);
      const xv = x[n * D + d]!;
      if (xv !== 0) L.addW(n, xv, d);
    }
  }
  return out;
}

/** backward: [∂W, ∂c, ∂V, ∂b] from ∂out [N, D] (P = 1); same walk as nade-fused.ts */
export function simdBackward(
  order: readonly number[], N: number, D: number, H: number, dy: Float32Array,
  x: Float32Array, W: Float32Array, c: Float32Array, V: Float32Array,
): Float32Array[] {
  const L = new Layout(N, D, H, W, V, c);
  const { f, fn, H4 } = L;
  for (let t = 0; t < D; t++) {
    const d = order[t]!;
    for (let n = 0; n < N; n++) if (x[n * D + d] !== 0) L.addW(n, x[n * D + d]!, d);
  }
  const gb = new Float32Array(D);
  const flush = (n: number) => fn.flushRow(L.at(L.g, n), L.at(L.acc, n), L.hOf(n), H4);
  for (let t = D - 1; t >= 0; t--) {
    const d = order[t]!;
    const vo = L.at(L.V, d), gvo = L.at(L.gV, d);
    for (let n = 0; n < N; n++) {
      const xv = x[n * D + d]!;
      if (xv !== 0) {
        flush(n);
        fn.axpy(L.at(L.gW, d), L.at(L.g, n), xv, H4);
        L.addW(n, -xv, d);
      }
      const gy = dy[n * D + d]!;
      if (gy === 0) continue;
      gb[d]! += gy;
      fn.axpy(L.at(L.acc, n), vo, gy, H4);
      fn.axpy(gvo, L.hOf(n), gy, H4);
    }
  }
  const gc = new Float32Array(H);
  for (let n = 0; n < N; n++) {
    flush(n);
    for (let k = 0; k < H; k++) gc[k]! += f[L.g + n * H4 + k]!;
  }
  return [L.rows(L.gW), gc, L.rows(L.gV), gb];
}
