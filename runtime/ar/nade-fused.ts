// NADE's teacher-forced pass as ONE host op (runtime/kernels/host-op.ts): the O(D·H) recurrence
// of Larochelle & Murray (2011), per example,
//   a_0 = c,  h_t = σ(a_t),  out[o_t] = b[o_t] + h_t·V[o_t],  a_{t+1} = a_t + x[o_t]·W[o_t]
// and its hand-written backward, which walks the order backwards with the running sum
// g = Σ_{t'>t} ∂a_{t'} (so ∂W[o_t] = x[o_t]·g, ∂c = Σ_t ∂a_t):
//   ∂V[o_t] += ∂out[o_t] ⊗ h_t,  ∂b[o_t] += ∂out[o_t],  ∂a_t = (V[o_t]·∂out[o_t]) ∘ h_t ∘ (1 − h_t).
// The plain path in nade.ts (an exclusive cumsum over [N, H, D] tensors, ~15 passes over N·D·H
// floats under the tape) stays the oracle: same values and gradients to float32 rounding
// (test/ar/nade-fused.test.ts). Registered as the planner's nade:fused and nade:simd (NadePass, nade.ts).
// Runs: a position whose input is 0 (most pixels of binarized MNIST) leaves a unchanged, so h is
// constant over a run of positions ending at a non-zero input: σ is evaluated once per run (not
// D·H times), ∂a is summed over the run before its σ' is applied, and ∂W only gets the rows of
// non-zero inputs. What remains is ~3·D·H multiply-adds per example (out, ∂V, V·∂out).
// Loop order: position outside, example inside, so that the rows V[o_t] and W[o_t] stay in the
// L1 cache for the whole batch (the per-example states a, h, Σ∂a are [N, H]); streaming all of V
// once per example was memory-bound. Nothing of size N·D·H is stored: the backward walks the
// order backwards and restores each run's a by subtracting x·W (float64, exact to ~1e-13).
import * as tf from '@tensorflow/tfjs-core';
import { hostOp } from '../kernels/fused/host-op.js';
import { registerKernel, type PlanUnit } from '../plan/registry.js';
import type { NadeNet, NadePass } from './nade.js';
import { nadeSimdKernels, simdBackward, simdForward } from './nade-simd.js';

/**
 * The fused pass: (xe [N, D] encoded inputs, W [D, H], c [H], V [D, H, P], b [D, P]) ↦ parameters
 * [N, D, P] indexed by data dimension, autoregressive in `order`. No gradient flows to xe (data).
 * simd: rows in WebAssembly SIMD (nade-simd.ts) where P = 1.
 */
export function nadeFusedOp(
  order: readonly number[],
  simd = false,
): (xe: tf.Tensor2D, W: tf.Tensor, c: tf.Tensor, V: tf.Tensor, b: tf.Tensor) => tf.Tensor3D {
  const useSimd = (P: number) => simd && P === 1;
  const op = hostOp({
    shapes: ([x, , , v]) => [[x![0]!, x![1]!, v![2]!]],
    forward([x, W, c, V, b], [xs, ws, , vs]) {
      const [N, D] = xs as [number, number];
      const H = ws![1]!,
        P = vs![2]!;
      if (useSimd(P)) return { outputs: [simdForward(order, N, D, H, x!, W!, c!, V!, b!)] };
      const out = new Float32Array(N * D * P);
      const st = new BatchState(N, H, c!);
      for (let t = 0; t < D; t++) {
        const d = order[t]!;
        for (let n = 0; n < N; n++) {
          const ho = st.hOf(n),
            h = st.h;
          for (let p = 0; p < P; p++) {
            let s = b![d * P + p]!;
            if (P === 1) s += dot(h, ho, V!, d * H, H);
            else for (let k = 0; k < H; k++) s += h[ho + k]! * V![(d * H + k) * P + p]!;
            out[(n * D + d) * P + p] = s;
          }
          const xv = x![n * D + d]!;
          if (xv !== 0) st.add(n, xv, W!, d * H);
        }
      }
      return { outputs: [out] };
    },
    backward([dy], _saved, [x, W, c, V, b], [xs, ws, , vs]) {
      const [N, D] = xs as [number, number];
      const H = ws![1]!,
        P = vs![2]!;
      const gW = new Float32Array(D * H),
        gc = new Float32Array(H);
      const gV = new Float32Array(D * H * P),
        gb = new Float32Array(D * P);
      const grads = () => [new Float32Array(N * D), gW, gc, gV, gb]; // x is data: no gradient
      if (!dy) return grads();
      if (useSimd(P)) return [new Float32Array(N * D), ...simdBackward(order, N, D, H, dy, x!, W!, c!, V!)];
      // a after the last position (the forward's end state), then backwards
      const st = new BatchState(N, H, c!);
      for (let t = 0; t < D; t++) {
        const d = order[t]!;
        for (let n = 0; n < N; n++) if (x![n * D + d] !== 0) st.add(n, x![n * D + d]!, W!, d * H);
      }
      const g = new Float32Array(N * H),
        acc = new Float32Array(N * H);
      /** the run that just ended (going backwards): ∂a of the run = (Σ_run V·∂out) ∘ σ' into g */
      const flush = (n: number) => {
        const ho = st.hOf(n),
          h = st.h;
        for (let k = 0, o = n * H; k < H; k++) {
          const s = h[ho + k]!;
          g[o + k]! += acc[o + k]! * s * (1 - s);
          acc[o + k] = 0;
        }
      };
      for (let t = D - 1; t >= 0; t--) {
        const d = order[t]!;
        const wo = d * H;
        for (let n = 0; n < N; n++) {
          const xv = x![n * D + d]!;
          if (xv !== 0) {
            // t ends a run: flush the later one; g = Σ ∂a over all later positions
            flush(n);
            for (let k = 0, o = n * H; k < H; k++) gW[wo + k]! += xv * g[o + k]!;
            st.add(n, -xv, W!, wo);
          }
          const ho = st.hOf(n),
            h = st.h;
          const dyo = (n * D + d) * P;
          for (let p = 0; p < P; p++) {
            const gy = dy[dyo + p]!;
            if (gy === 0) continue;
            gb[d * P + p]! += gy;
            if (P === 1) {
              for (let k = 0, o = n * H; k < H; k++) {
                acc[o + k]! += V![wo + k]! * gy;
                gV[wo + k]! += gy * h[ho + k]!;
              }
            } else {
              for (let k = 0, o = n * H; k < H; k++) {
                const vo = (wo + k) * P + p;
                acc[o + k]! += V![vo]! * gy;
                gV[vo]! += gy * h[ho + k]!;
              }
            }
          }
        }
      }
      for (let n = 0; n < N; n++) {
        flush(n);
        for (let k = 0, o = n * H; k < H; k++) gc[k]! += g[o + k]!;
      }
      void b;
      return grads();
    },
  });
  return (xe, W, c, V, b) => op([xe, W, c, V, b])[0] as tf.Tensor3D;
}

const POW2 = Float64Array.from({ length: 257 }, (_, i) => 2 ** (i - 128));

/**
 * σ(v) = 1 / (1 + e^−v) with e^x = 2^i · e^(f·ln 2), |f| ≤ 1/2, by its Taylor polynomial of degree 7
 * (relative error < 1e-8, below float32 rounding): ~3× faster than Math.exp here.
 */
export function sigmoid(v: number): number {
  const x = v > 87 ? -87 : v < -87 ? 87 : -v;
  const y = x * 1.4426950408889634;
  const i = Math.floor(y + 0.5);
  const t = (y - i) * 0.6931471805599453;
  const p = 1 + t * (1 + t * (0.5 + t * (1 / 6 + t * (1 / 24 + t * (1 / 120 + t * (1 / 720 + t / 5040))))));
  return 1 / (1 + p * POW2[i + 128]!);
}

/** Σ_k u[uo + k]·w[wo + k], k < H, with four partial sums (no loop-carried add latency) */
function dot(u: Float32Array, uo: number, w: Float32Array, wo: number, H: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let k = 0;
  for (; k + 3 < H; k += 4) {
    s0 += u[uo + k]! * w[wo + k]!;
    s1 += u[uo + k + 1]! * w[wo + k + 1]!;
    s2 += u[uo + k + 2]! * w[wo + k + 2]!;
    s3 += u[uo + k + 3]! * w[wo + k + 3]!;
  }
  for (; k < H; k++) s0 += u[uo + k]! * w[wo + k]!;
  return s0 + s1 + s2 + s3;
}

/** the pre-activations a [N, H] of a batch and their sigmoids, recomputed lazily after a change */
class BatchState {
  private readonly a: Float64Array;
  readonly h: Float32Array;
  private readonly stale: Uint8Array;

  constructor(
    N: number,
    private readonly H: number,
    c: Float32Array,
  ) {
    this.a = new Float64Array(N * H);
    this.h = new Float32Array(N * H);
    this.stale = new Uint8Array(N).fill(1);
    for (let n = 0; n < N; n++) for (let k = 0; k < H; k++) this.a[n * H + k] = c[k]!;
  }

  /** a[n] += v·W[wo : wo + H] */
  add(n: number, v: number, W: Float32Array, wo: number): void {
    const { a, H } = this;
    for (let k = 0, o = n * H; k < H; k++) a[o + k]! += v * W[wo + k]!;
    this.stale[n] = 1;
  }

  /** σ(a[n]) is h[hOf(n) + k] (an offset: no view allocated per call) */
  hOf(n: number): number {
    const { a, h, H } = this;
    const o = n * H;
    if (this.stale[n]) {
      for (let k = 0; k < H; k++) h[o + k] = sigmoid(a[o + k]!);
      this.stale[n] = 0;
    }
    return o;
  }
}

/** the fused pass as NADE's implementation (the planner's nade:fused, or nade:simd with simd) */
function fusedPass(simd: boolean) {
  return (under: NadePass, on: () => boolean): NadePass => {
    const ops = new WeakMap<NadeNet, ReturnType<typeof nadeFusedOp>>();
    return (net, xe, c) => {
      // one hidden bias shared by all examples (a context's per-example c [N, 1, H] runs `under`)
      if (!on() || c.rank !== 1) return under(net, xe, c);
      let op = ops.get(net);
      if (!op) ops.set(net, (op = nadeFusedOp(net.order, simd)));
      return op(xe, net.W, c, net.V, net.b);
    };
  };
}

registerKernel<NadePass>({
  name: 'fused',
  kind: 'nade',
  backends: ['wasm', 'cpu'],
  settings: ['fuse', 'nadeFused'],
  doc: "NADE's teacher-forced pass as one host op with an O(D·H) backward (ar/nade-fused.ts)",
  applies: (u) =>
    !(u.ir?.conditional?.kind === 'nade' && u.ir.conditional.context) ||
    'conditioned (a hidden bias per example runs in plain ops)',
  implement: fusedPass(false),
});

/** parameters per dimension of the model's likelihood is 1 (the SIMD rows) */
function onePerDim(u: PlanUnit): true | string {
  const l = u.ir?.likelihood;
  const one = l
    ? l.kind === 'bernoulli' || (l.kind === 'gaussian' && !l.learnedStd) || (l.kind === 'categorical' && l.K === 1)
    : u.ir?.data.domain.kind === 'binary';
  return one || 'more than one parameter per dimension';
}

registerKernel<NadePass>({
  name: 'simd',
  kind: 'nade',
  backends: ['wasm'],
  settings: ['fuse', 'nadeFused', 'nadeSimd'],
  refines: 'fused',
  doc: "the fused NADE pass's rows in wasm SIMD (ar/nade-simd.ts)",
  when: () => nadeSimdKernels() !== null || 'wasm SIMD unavailable',
  applies: onePerDim,
  implement: fusedPass(true),
});
