// The masked k×k convolution (runtime/ar/masked-conv.ts) with a cheaper training path. A causal mask
// (A or B, centre c = ⌊(k−1)/2⌋) is zero on every row below the centre, so the conv equals the
// conv with the kernel CROPPED to rows 0..c and explicit padding top c, bottom 0: (c+1)/k of the
// FLOPs (3×3: 6/9, 7×7: 28/49) in the forward pass and in both gradients. The variable keeps its
// full [k, k, cin, cout] shape; the fast path slices its first c+1 rows and multiplies by the
// cropped mask. It is one tape node (tf.customGrad) with a hand-written backward:
//   forward   FusedConv2D (bias and ReLU inside the conv kernel)
//   dpre      dy·step(y) for ReLU
//   db        Σ_{N,H,W} dpre in two stages (over W, then N·H: ~4× cheaper than one Sum on wasm)
//   dW        conv2d(xᵀ [Ci,H,W,N], dpreᵀ [H,W,N,Co]) with the forward's padding given to the conv
//             (no padded copy of x); for 1×1 kernels a matrix product xᵀ·dpre (Σ x·dpre for one
//             output channel)
//   dx        conv2d(dpre, W flipped in space, in/out swapped) with explicit padding (no padded
//             copy of dy), or dpre·Wᵀ for 1×1; skipped when the input needs no gradient (the data:
//             x is then no input of the tape node)
// Registered as the planner's pixelcnn:cropped-conv and resnet:cropped-conv; the plain path (conv2d of W·M
// with symmetric padding, add, activation) runs with the maskedConv setting 'plain' (FLOWC_MASKED_CONV=plain).
// Both give the same values and gradients to float32 rounding (test/ar/masked-conv.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { MaskedConv, MaskedConv2d } from '../../ar/masked-conv.js';
import { act } from '../../ar/common.js';
import { registerKernel } from '../../plan/registry.js';

/** the cropped conv as a masked conv's implementation: relu inside the kernel, other activations after it */
const cropped =
  (under: MaskedConv2d, on: () => boolean): MaskedConv2d =>
  (x, W, b, m, activation, opts = {}) => {
    if (!on()) return under(x, W, b, m, activation, opts);
    const fused = activation === 'relu' ? 'relu' : 'linear';
    const y = fastConv(x, W, b, m, fused, opts.inputGrad ?? true);
    return fused === 'linear' && activation !== 'none' ? (act(y, activation) as tf.Tensor4D) : y;
  };

for (const kind of ['pixelcnn', 'resnet']) {
  registerKernel<MaskedConv2d>({
    name: 'cropped-conv',
    kind,
    backends: 'any',
    doc: 'masked conv as a cropped custom-gradient op (kernels/fused/cropped-conv.ts)',
    when: (c) => c.config.maskedConv !== 'plain' || 'maskedConv=plain',
    applies: () => true,
    implement: cropped,
  });
}

type Fused = 'relu' | 'linear';
type CustomFn = Parameters<typeof tf.customGrad>[0];

function fastConv(
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  b: tf.Tensor1D,
  m: MaskedConv,
  activation: Fused,
  inputGrad: boolean,
): tf.Tensor4D {
  const { k, rows, padCrop } = m;
  const top = padCrop[1][0];
  const left = padCrop[2][0];
  const cropped = (w: tf.Tensor4D): tf.Tensor4D => {
    const wc = rows === k ? w : tf.slice(w, [0, 0, 0, 0], [rows, -1, -1, -1]);
    return (m.Mc ? tf.mul(wc, m.Mc) : wc) as tf.Tensor4D;
  };

  const forward = (xv: tf.Tensor4D, Wv: tf.Tensor4D, bv: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const Wc = cropped(Wv);
    const y = tf.engine().runKernel(tf.FusedConv2D, { x: xv, filter: Wc, bias: bv }, {
      strides: [1, 1],
      pad: padCrop,
      dataFormat: 'NHWC',
      dilations: [1, 1],
      activation,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    save([xv, Wc, y]);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xs, Wcs, ys] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const [N, H, Wd, Ci] = xs.shape;
      const Co = dy.shape[3];
      const NHW = N * H * Wd;
      const g = activation === 'relu' ? (tf.mul(dy, tf.step(ys)) as tf.Tensor4D) : dy;
      const g2 = tf.reshape(g, [NHW, Co]) as tf.Tensor2D;
      const db = sumNhw(g, N * H, Wd, Co);
      let dWc: tf.Tensor4D;
      let dx: tf.Tensor4D | null = null;
      if (k === 1) {
        const x2 = tf.reshape(xs, [NHW, Ci]) as tf.Tensor2D;
        // one output channel: Σ x·g (a product would pack the fresh x); else the transposed operand
        // is materialised on wasm: transpose the narrower one
        dWc = tf.reshape(
          Co === 1
            ? sumNhw(tf.mul(xs, g), N * H, Wd, Ci)
            : Co < Ci
              ? tf.transpose(tf.matMul(g2, x2, true, false))
              : tf.matMul(x2, g2, true, false),
          [1, 1, Ci, Co],
        ) as tf.Tensor4D;
        if (inputGrad) {
          // one output channel: g·w broadcast (a product with an inner size of 1 is slow on wasm)
          dx = (
            Co === 1
              ? tf.mul(g, tf.reshape(Wcs, [Ci]))
              : tf.reshape(tf.matMul(g2, tf.reshape(Wcs, [Ci, Co]), false, true), [N, H, Wd, Ci])
          ) as tf.Tensor4D;
        }
      } else {
        const pb = rows - 1 - top;
        const pr = k - 1 - left;
        // [N, H, W, Ci] → [Ci, H, W, N] in two steps through [H·W, Ci, N]: on wasm ~30% cheaper than one
        const xt = (
          Ci === 1
            ? tf.reshape(tf.transpose(tf.reshape(xs, [N, H * Wd])), [1, H, Wd, N])
            : tf.reshape(tf.transpose(tf.transpose(tf.reshape(xs, [N, H * Wd, Ci]), [1, 2, 0]), [1, 0, 2]), [
                Ci,
                H,
                Wd,
                N,
              ])
        ) as tf.Tensor4D;
        const gt = tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // [H, W, N, Co]
        const out = tf.conv2d(xt, gt, 1, [
          [0, 0],
          [top, pb],
          [left, pr],
          [0, 0],
        ]); // [Ci, rows, k, Co]
        dWc = tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
        if (inputGrad) {
          const wf = tf.transpose(tf.reverse(Wcs, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
          dx = tf.conv2d(g, wf, 1, [
            [0, 0],
            [rows - 1 - top, top],
            [k - 1 - left, left],
            [0, 0],
          ]);
        }
      }
      let dW = (m.Mc ? tf.mul(dWc, m.Mc) : dWc) as tf.Tensor4D;
      if (rows < k)
        dW = tf.pad(dW, [
          [0, k - rows],
          [0, 0],
          [0, 0],
          [0, 0],
        ]);
      return dx ? [dx, dW, db] : [dW, db];
    };
    return { value: y, gradFunc };
  };

  if (inputGrad) {
    const op = tf.customGrad(((xv: tf.Tensor4D, Wv: tf.Tensor4D, bv: tf.Tensor1D, save: tf.GradSaveFunc) =>
      forward(xv, Wv, bv, save)) as unknown as CustomFn);
    return op(x, W, b) as tf.Tensor4D;
  }
  const op = tf.customGrad(((Wv: tf.Tensor4D, bv: tf.Tensor1D, save: tf.GradSaveFunc) =>
    forward(x, Wv, bv, save)) as unknown as CustomFn);
  return op(W, b) as tf.Tensor4D;
}

/**
 * Σ over N, H, W of [N, H, W, C] in two stages (over W, then N·H): wasm's Sum transposes the
 * reduced axes innermost first, and [N·H, W, C] → [N·H, C, W] is far cheaper to transpose than
 * [NHW, C] → [C, NHW] (measured ~4×)
 */
function sumNhw(t: tf.Tensor, NH: number, W: number, C: number): tf.Tensor1D {
  return tf.sum(tf.sum(tf.reshape(t, [NH, W, C]), 1), 0) as tf.Tensor1D;
}
