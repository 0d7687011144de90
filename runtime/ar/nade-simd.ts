// The fused NADE pass (nade-fused.ts) for one likelihood parameter per dimension (Bernoulli: the
// MNIST models) with its row operations in WebAssembly SIMD: the module nade-simd.wat (assembled at build time
// into nade-simd.wasm.ts) with `dot` and `axpy` over f32x4 lanes, on its own memory that
// holds V, W, their gradients and the batch state (a, h, Σ_run V·∂out, Σ ∂a; rows padded to a
// multiple of 4 floats with zeros), and the once-per-run sigmoid and flush of Σ_run V·∂out. Same
// algorithm and loop order as the JS pass, so the same values to float32 rounding (a is float32
// here: the backward restores it by subtraction to ~1e-7) — test/ar/nade-fused.test.ts.
import { wasm } from './nade-simd.wasm.js';

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
    const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory } });
    kernels = { memory, fn: inst.exports as unknown as Kernels };
  } catch {
    kernels = null;
  }
  return kernels;
}

/** the memory layout of one op call: float offsets of padded [rows, H4] blocks */
class Layout {
  readonly H4: number;
  readonly V: number;
  readonly W: number;
  readonly gV: number;
  readonly gW: number;
  readonly a: number;
  readonly h: number;
  readonly acc: number;
  readonly g: number;
  readonly f: Float32Array;
  readonly fn: Kernels;
  readonly stale: Uint8Array;

  constructor(
    readonly N: number,
    readonly D: number,
    readonly H: number,
    W: Float32Array,
    V: Float32Array,
    c: Float32Array,
  ) {
    const k = nadeSimdKernels()!;
    const H4 = (this.H4 = Math.ceil(H / 4) * 4);
    let o = 0;
    const take = (rows: number) => ((o += rows * H4), o - rows * H4);
    this.V = take(D);
    this.W = take(D);
    this.gV = take(D);
    this.gW = take(D);
    this.a = take(N);
    this.h = take(N);
    this.acc = take(N);
    this.g = take(N);
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
  order: readonly number[],
  N: number,
  D: number,
  H: number,
  x: Float32Array,
  W: Float32Array,
  c: Float32Array,
  V: Float32Array,
  b: Float32Array,
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
  order: readonly number[],
  N: number,
  D: number,
  H: number,
  dy: Float32Array,
  x: Float32Array,
  W: Float32Array,
  c: Float32Array,
  V: Float32Array,
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
    const vo = L.at(L.V, d),
      gvo = L.at(L.gV, d);
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
