// The density direction of an affine / additive coupling on images (NHWC, runtime/bijectors/
// coupling.ts) as two host ops around the conditioner, which stays tfjs ops:
//   gate:  x → (cond, x′)   cond = x⊙b (checkerboard / any binary mask, same shape as x) or
//                           x[..., a] (channel-wise mask: the conditioning channels, in order);
//                           x′ = a copy of x that only the coupling op reads, so x has ONE consumer
//                           and its gradient is assembled on the host (no engine Add);
//   coupling: (x′, o) → (y, log-det), o = net(cond) with mult·C_o channels (s_raw then t for the
//                           transformed channels):  s = g(s_raw), y = x⊙exp(s) + t on the
//                           transformed positions, y = x elsewhere; log-det Σ s (additive: y = x + t,
//                           log-det 0). g: exp → s_raw, tanh → tanh(s_raw), sigmoid → log σ(s_raw + 2).
// Both are one tape node with a hand-written backward. The plain path spends ~12 kernels forward
// and ~30 under the tape per coupling on this (SplitV/Concat/GatherV2 alone ~2 ms each on wasm
// for W3's sizes). Same math to float32 rounding: test/runtime/fused-coupling-image.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { hostOp } from './host-op.js';
import { type ScaleKind, logScaleGrad, logScaleOf } from '../../../compiler/math/coupling-scale.js';

export type { ScaleKind } from '../../../compiler/math/coupling-scale.js';

/**
 * One image coupling's index maps (per example; positions p = (h·W + w)·C + c of NHWC):
 *   cond[q] = x[src[q]] (src[q] < 0: 0), Q = src.length values per example;
 *   po[p] = offset of s_raw for position p inside one example's o (t at po[p] + Lo), −1: passes.
 */
export interface ImageCouplingSpec {
  P: number;
  src: Int32Array;
  po: Int32Array;
  /** transformed channels per pixel (o has mult·Lo channels) */
  Lo: number;
  /** conditioner output size per example: mult·Lo·H·W */
  O: number;
  affine: boolean;
  scale: ScaleKind;
  /** the conditioner input's per-example shape [H, W, C_cond] */
  condShape: number[];
}

/** a binary mask b over [H, W, C] (NHWC order, 1 = passes and conditions): cond = x⊙b, o has mult·C channels */
export function maskedImageSpec(
  mask: ArrayLike<number>,
  shape: number[],
  affine: boolean,
  scale: ScaleKind,
): ImageCouplingSpec {
  const [H, W, C] = shape as [number, number, number];
  const P = H * W * C,
    mult = affine ? 2 : 1;
  const src = new Int32Array(P),
    po = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    const on = mask[p] !== 0;
    src[p] = on ? p : -1;
    po[p] = on ? -1 : Math.floor(p / C) * mult * C + (p % C);
  }
  return { P, src, po, Lo: C, O: mult * P, affine, scale, condShape: [H, W, C] };
}

/**
 * a channel-wise mask: channels `a` condition (cond = x[..., a]), channels `b` are transformed (o: mult·|b| channels)
 */
export function channelImageSpec(
  a: number[],
  b: number[],
  shape: number[],
  affine: boolean,
  scale: ScaleKind,
): ImageCouplingSpec {
  const [H, W, C] = shape as [number, number, number];
  const R = H * W,
    P = R * C,
    mult = affine ? 2 : 1,
    Ca = a.length,
    Lo = b.length;
  const src = new Int32Array(R * Ca),
    po = new Int32Array(P).fill(-1);
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < Ca; k++) src[r * Ca + k] = r * C + a[k]!;
    for (let k = 0; k < Lo; k++) po[r * C + b[k]!] = r * mult * Lo + k;
  }
  return { P, src, po, Lo, O: mult * Lo * R, affine, scale, condShape: [H, W, Ca] };
}

/** x → [cond, x′] (x′ = x, for the coupling op only) */
export function gateOp(c: ImageCouplingSpec): (x: tf.Tensor) => [tf.Tensor, tf.Tensor] {
  const { P, src } = c,
    Q = src.length;
  const op = hostOp({
    shapes: ([xs]) => [[xs![0]!, ...c.condShape], xs!],
    forward: ([x]) => {
      const N = x!.length / P,
        cond = new Float32Array(N * Q);
      for (let n = 0; n < N; n++) {
        const xo = n * P,
          co = n * Q;
        for (let q = 0; q < Q; q++) {
          const s = src[q]!;
          if (s >= 0) cond[co + q] = x![xo + s]!;
        }
      }
      return { outputs: [cond, x!] };
    },
    backward: ([dc, dp], _s, [x]) => {
      const N = x!.length / P;
      const dx = dp ? dp.slice() : new Float32Array(N * P);
      if (dc)
        for (let n = 0; n < N; n++) {
          const xo = n * P,
            co = n * Q;
          for (let q = 0; q < Q; q++) {
            const s = src[q]!;
            if (s >= 0) dx[xo + s] += dc[co + q]!;
          }
        }
      return [dx];
    },
  });
  return (x) => {
    if (x.size !== x.shape[0] * P)
      throw new Error(`fused image coupling: input of ${x.size} values, expected ${x.shape[0]}×${P}`);
    const [cond, pass] = op([x]);
    return [cond!, pass!];
  };
}

interface Saved {
  es: Float32Array | null;
  gp: Float32Array | null;
}

/** (x′, o) → [y, logDet] */
export function imageCouplingOp(c: ImageCouplingSpec): (x: tf.Tensor, o: tf.Tensor) => [tf.Tensor, tf.Tensor1D] {
  const { P, po, Lo, O, scale, affine } = c;
  const op = hostOp({
    shapes: ([xs]) => [xs!, [xs![0]!]],
    forward: ([x, o]) => {
      const N = x!.length / P;
      const y = x!.slice(),
        ld = new Float32Array(N);
      if (!affine) {
        for (let n = 0; n < N; n++) {
          const xo = n * P,
            oo = n * O;
          for (let p = 0; p < P; p++) {
            const k = po[p]!;
            if (k >= 0) y[xo + p] = x![xo + p]! + o![oo + k]!;
          }
        }
        return { outputs: [y, ld], saved: { es: null, gp: null } };
      }
      const es = new Float32Array(N * P),
        gp = new Float32Array(N * P);
      for (let n = 0; n < N; n++) {
        const xo = n * P,
          oo = n * O;
        let acc = 0;
        for (let p = 0; p < P; p++) {
          const k = po[p]!;
          if (k < 0) continue;
          const sr = o![oo + k]!,
            i = xo + p;
          let s = logScaleOf(scale, sr);
          const d = logScaleGrad(scale, sr, s);
          s = Math.fround(s);
          const e = Math.exp(s);
          y[i] = x![i]! * e + o![oo + k + Lo]!;
          es[i] = e;
          gp[i] = d;
          acc += s;
        }
        ld[n] = acc;
      }
      return { outputs: [y, ld], saved: { es, gp } };
    },
    backward: ([dy, dld], saved, [x]) => {
      const N = x!.length / P;
      const dx = dy ? dy.slice() : new Float32Array(N * P),
        dout = new Float32Array(N * O);
      const { es, gp } = saved as Saved;
      for (let n = 0; n < N; n++) {
        const xo = n * P,
          oo = n * O,
          gl = dld ? dld[n]! : 0;
        for (let p = 0; p < P; p++) {
          const k = po[p]!;
          if (k < 0) continue;
          const i = xo + p,
            g = dy ? dy[i]! : 0;
          if (!affine) {
            dout[oo + k] = g;
            continue;
          }
          const e = es![i]!;
          dx[i] = g * e;
          dout[oo + k] = (g * x![i]! * e + gl) * gp![i]!;
          dout[oo + k + Lo] = g;
        }
      }
      return [dx, dout];
    },
  });
  return (x, o) => {
    if (x.size !== x.shape[0] * P)
      throw new Error(`fused image coupling: input of ${x.size} values, expected ${x.shape[0]}×${P}`);
    if (o.size !== x.shape[0] * O)
      throw new Error(`fused image coupling: net output has ${o.size} values, expected ${x.shape[0]}×${O}`);
    const [y, ld] = op([x, o]);
    return [y!, ld as tf.Tensor1D];
  };
}
