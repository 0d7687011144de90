// Masked k×k convolution (stride 1, same size): the masks of a conv (A or B, centre c = ⌊(k−1)/2⌋, or
// none) and its plain implementation, conv2d of W·M with symmetric padding, add, activation: the oracle of
// the cropped custom-gradient kernel (runtime/kernels/fused/cropped-conv.ts, the planner's
// pixelcnn:cropped-conv and resnet:cropped-conv), which needs the cropped mask and padding kept here too.
import * as tf from '@tensorflow/tfjs-core';
import { act, type ActName } from './common.js';
import { convMask, convMaskArray, type MaskType } from './convmask.js';

export type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** A masked conv's constants: the full mask (plain path) and the cropped one (fast path). */
export interface MaskedConv {
  k: number;
  cin: number;
  cout: number;
  /** [k, k, cin, cout]; null for 'none' (no mask: nothing to multiply) */
  M: tf.Tensor4D | null;
  /** kernel rows the fast path keeps: c+1 for causal masks, k for 'none' */
  rows: number;
  /** rows 0..rows−1 of M (null with M) */
  Mc: tf.Tensor4D | null;
  padFull: Pad4;
  padCrop: Pad4;
}

/** builds (and keeps) the masks of a k×k conv with centre (c, c), c = ⌊(k−1)/2⌋ */
export function makeMaskedConv(k: number, inGroups: number[], outGroups: number[], type: MaskType): MaskedConv {
  const c = Math.floor((k - 1) / 2);
  const cin = inGroups.length;
  const cout = outGroups.length;
  const rows = type === 'none' ? k : c + 1;
  const full = type === 'none' ? null : convMaskArray(k, k, c, c, inGroups, outGroups, type);
  return {
    k,
    cin,
    cout,
    M: full && tf.keep(convMask(k, k, c, c, inGroups, outGroups, type)),
    rows,
    Mc: full && tf.keep(tf.tensor4d(full.subarray(0, rows * k * cin * cout), [rows, k, cin, cout])),
    padFull: [
      [0, 0],
      [c, k - 1 - c],
      [c, k - 1 - c],
      [0, 0],
    ],
    padCrop: [
      [0, 0],
      [c, rows - 1 - c],
      [c, k - 1 - c],
      [0, 0],
    ],
  };
}

export function disposeMaskedConv(m: MaskedConv): void {
  m.M?.dispose();
  m.Mc?.dispose();
}

export interface MaskedConvOptions {
  /** whether x needs a gradient (false for the data: a kernel may then skip dx); default true */
  inputGrad?: boolean;
}

/**
 * act(conv(x, W·M) + b), x [N, H, W, cin] → [N, H, W, cout]: the type of a masked conv's implementation
 * (the planner chooses one per pixelcnn conditional and resnet net: implementationOf)
 */
export type MaskedConv2d = (
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  b: tf.Tensor1D,
  m: MaskedConv,
  activation: ActName,
  opts?: MaskedConvOptions,
) => tf.Tensor4D;

/** the plain masked conv */
export const maskedConv2d: MaskedConv2d = (x, W, b, m, activation) => {
  const y = tf.add(tf.conv2d(x, (m.M ? tf.mul(W, m.M) : W) as tf.Tensor4D, 1, m.padFull), b);
  return act(y, activation) as tf.Tensor4D;
};
