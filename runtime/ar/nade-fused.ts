// NADE's teacher-forced pass as ONE host op (runtime/kernels/host-op.ts): the O(D·H) recurrence
// of Larochelle & Murray (2011), per example,
//   a_0 = c,  h_t = σ(a_t),  out[o_t] = b[o_t] + h_t·V[o_t],  a_{t+1} = a_t + x[o_t]·W[o_t]
// and its hand-written backward, which walks the order backwards with the running sum
// g = Σ_{t'>t} ∂a_{t'} (so ∂W[o_t] = x[o_t]·g, ∂c = Σ_t ∂a_t):
//   ∂V[o_t] += ∂out[o_t] ⊗ h_t,  ∂b[o_t] += ∂out[o_t],  ∂a_t = (V[o_t]·∂out[o_t]) ∘ h_t ∘ (1 − h_t).
// The plain path in nade.ts (an exclusive cumsum over [N, H, D] tensors, ~15 passes over N·D·H
// floats under the tape) stays the oracle: same values and gradients to float32 rounding
// (test/ar/nade-fused.test.ts). Zero inputs (most pixels of binarized MNIST) skip their row of W.
// The hidden activations h are kept between forward and backward when they fit in
// FLOWC_NADE_SAVE_MB (default 256 MB), else recomputed per example in the backward.
import * as tf from '@tensorflow/tfjs-core';
import { fusionEnabled, hostOp } from '../kernels/host-op.js';

/** whether nade.ts uses the fused op: on wasm/cpu unless FLOWC_FUSE=0 or FLOWC_NADE_FUSED=0 */
export function nadeFusedEnabled(): boolean {
  return process.env.FLOWC_NADE_FUSED !== '0' && fusionEnabled();
}

const saveLimit = () => Number(process.env.FLOWC_NADE_SAVE_MB ?? 256) * 2 ** 20 / 4;

/**
 * The fused pass: (xe [N, D] encoded inputs, W [D, H], c [H], V [D, H, P], b [D, P]) ↦ parameters
 * [N, D, P] indexed by data dimension, autoregressive in `order`. No gradient flows to xe (data).
 */
export function nadeFusedOp(order: readonly number[]): (xe: tf.Tensor2D, W: tf.Tensor, c: tf.Tensor, V: tf.Tensor, b: tf.Tensor) => tf.Tensor3D {
  const op = hostOp({
    shapes: ([x, , , v]) => [[x![0]!, x![1]!, v![2]!]],
    forward([x, W, c, V, b], [xs, ws, , vs]) {
      const [N, D] = xs as [number, number];
      const H = ws![1]!, P = vs![2]!;
      const out = new Float32Array(N * D * P);
      const keep = N * D * H <= saveLimit();
      const hs = keep ? new Float32Array(N * D * H) : undefined;
      const h = new Float32Array(D * H);
      for (let n = 0; n < N; n++) {
        run(n, x!, W!, c!, V!, b!, D, H, P, order, keep ? hs!.subarray(n * D * H, (n + 1) * D * H) : h, out);
      }
      return { outputs: [out], saved: hs };
    },
    backward([dy], saved, [x, W, c, V, b], [xs, ws, , vs]) {
      const [N, D] = xs as [number, number];
      const H = ws![1]!, P = vs![2]!;
      const gW = new Float32Array(D * H), gc = new Float32Array(H);
      const gV = new Float32Array(D * H * P), gb = new Float32Array(D * P);
      const grads = () => [new Float32Array(N * D), gW, gc, gV, gb]; // x is data: no gradient
      if (!dy) return grads();
      const hs = saved as Float32Array | undefined;
      const scratch = hs ? undefined : new Float32Array(D * H);
      const g = new Float32Array(H), da = new Float32Array(H);
      for (let n = 0; n < N; n++) {
        let h: Float32Array;
        if (hs) h = hs.subarray(n * D * H, (n + 1) * D * H);
        else run(n, x!, W!, c!, V!, b!, D, H, P, order, (h = scratch!), undefined);
        g.fill(0);
        for (let t = D - 1; t >= 0; t--) {
          const d = order[t]!;
          const xv = x![n * D + d]!;
          const wo = d * H;
          if (xv !== 0) for (let k = 0; k < H; k++) gW[wo + k]! += xv * g[k]!;
          const ht = t * H;
          const dyo = (n * D + d) * P;
          da.fill(0);
          for (let p = 0; p < P; p++) {
            const gy = dy[dyo + p]!;
            if (gy === 0) continue;
            gb[d * P + p]! += gy;
            for (let k = 0; k < H; k++) {
              const vo = (wo + k) * P + p;
              da[k]! += V![vo]! * gy;
              gV[vo]! += gy * h[ht + k]!;
            }
          }
          for (let k = 0; k < H; k++) {
            const s = h[ht + k]!;
            g[k]! += da[k]! * s * (1 - s);
          }
        }
        for (let k = 0; k < H; k++) gc[k]! += g[k]!;
      }
      return grads();
    },
  });
  return (xe, W, c, V, b) => op([xe, W, c, V, b])[0] as tf.Tensor3D;
}

/** one example's forward: fills h [D, H] (position-major) and, if given, out[n] [D, P] */
function run(
  n: number, x: Float32Array, W: Float32Array, c: Float32Array, V: Float32Array, b: Float32Array,
  D: number, H: number, P: number, order: readonly number[], h: Float32Array, out: Float32Array | undefined,
): void {
  const a = Float64Array.from(c);
  for (let t = 0; t < D; t++) {
    const d = order[t]!;
    const ht = t * H;
    for (let k = 0; k < H; k++) h[ht + k] = 1 / (1 + Math.exp(-a[k]!));
    if (out) {
      const oo = (n * D + d) * P;
      for (let p = 0; p < P; p++) {
        let s = b[d * P + p]!;
        for (let k = 0; k < H; k++) s += h[ht + k]! * V[(d * H + k) * P + p]!;
        out[oo + p] = s;
      }
    }
    const xv = x[n * D + d]!;
    if (xv !== 0) for (let k = 0, wo = d * H; k < H; k++) a[k]! += xv * W[wo + k]!;
  }
}
