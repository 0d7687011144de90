// Causal convolution masks with R→G→B channel groups (van den Oord et al. 2016).
// A kernel [kh, kw, cin, cout] with "centre" (cy, cx): taps in rows above cy, and in row cy left
// of cx, connect everything; the centre tap connects input group gi to output group go iff
// gi < go (mask A) or gi ≤ go (mask B); taps after the centre are 0. 'none' = all ones.
import * as tf from '@tensorflow/tfjs-core';

export type MaskType = 'A' | 'B' | 'none';

/** channel k of n belongs to colour group ⌊k·C/n⌋ (contiguous blocks); one group when C = 1 */
export function channelGroups(n: number, C: number): number[] {
  return Array.from({ length: n }, (_, k) => (C <= 1 ? 0 : Math.floor((k * C) / n)));
}

/** groups of a gated pre-activation of 2p channels: both halves carry the groups of p channels */
export function gatedGroups(p: number, C: number): number[] {
  const g = channelGroups(p, C);
  return [...g, ...g];
}

export function convMaskArray(
  kh: number,
  kw: number,
  cy: number,
  cx: number,
  inGroups: number[],
  outGroups: number[],
  type: MaskType,
): Float32Array {
  const cin = inGroups.length;
  const cout = outGroups.length;
  const m = new Float32Array(kh * kw * cin * cout);
  for (let r = 0; r < kh; r++) {
    for (let c = 0; c < kw; c++) {
      const before = r < cy || (r === cy && c < cx);
      const centre = r === cy && c === cx;
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          let on: boolean;
          if (type === 'none') on = true;
          else if (before) on = true;
          else if (centre) on = type === 'A' ? inGroups[i]! < outGroups[o]! : inGroups[i]! <= outGroups[o]!;
          else on = false;
          if (on) m[((r * kw + c) * cin + i) * cout + o] = 1;
        }
      }
    }
  }
  return m;
}

export function convMask(
  kh: number,
  kw: number,
  cy: number,
  cx: number,
  inGroups: number[],
  outGroups: number[],
  type: MaskType,
): tf.Tensor4D {
  return tf.tensor4d(convMaskArray(kh, kw, cy, cx, inGroups, outGroups, type), [
    kh,
    kw,
    inGroups.length,
    outGroups.length,
  ]);
}

/** [N, D] flattened channels-first → NHWC */
export function toNhwc(x: tf.Tensor, C: number, H: number, W: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [x.shape[0], C, H, W]), [0, 2, 3, 1]) as tf.Tensor4D;
}

/** NHWC output with C·P channels (block c holds the P parameters of colour c) → [N, D, P] */
export function nhwcToParams(y: tf.Tensor4D, C: number, P: number): tf.Tensor3D {
  const [n, H, W] = y.shape;
  return tf.reshape(tf.transpose(tf.reshape(y, [n, H, W, C, P]), [0, 3, 1, 2, 4]), [n, C * H * W, P]) as tf.Tensor3D;
}
