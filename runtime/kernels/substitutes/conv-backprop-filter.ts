// Conv2DBackpropFilter for backends that lack it (wasm), from a forward conv:
// dW[kh,kw,ci,co] = Σ_{n,i,j} xpad[n, i·s+kh, j·s+kw, ci] · dy[n,i,j,co]
// = conv2d(xpadᵀ [Ci,Hp,Wp,N], dyᵀ [Ho,Wo,N,Co], dilation = stride), sliced to [KH, KW].
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, convInfo, type ConvAttrs } from './wrap.js';

export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    let xs = x,
      dys = dy;
    if (attrs.dataFormat === 'NCHW') {
      xs = tf.transpose(x, [0, 2, 3, 1]);
      dys = tf.transpose(dy, [0, 2, 3, 1]);
    }
    const info = convInfo(xs.shape as [number, number, number, number], filterShape, { ...attrs, dataFormat: 'NHWC' });
    const { top, bottom, left, right } = info.padInfo;
    const [KH, KW] = filterShape;
    const sh = info.strideHeight,
      sw = info.strideWidth;
    // rows/cols of x actually visited by the forward conv
    const needH = (info.outHeight - 1) * sh + KH;
    const needW = (info.outWidth - 1) * sw + KW;
    // the padding goes to the inner conv (XNNPACK reads zeros, no padded copy); rows/cols past
    // needH/needW (never visited) are cut off only when there are any
    const [, H, W] = xs.shape;
    const cutH = Math.max(0, top + H + bottom - needH),
      cutW = Math.max(0, left + W + right - needW);
    let xt = tf.transpose(xs, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, H, W, N]
    let pb = Math.max(0, bottom),
      pr = Math.max(0, right);
    if (cutH > pb || cutW > pr) {
      xt = tf.slice(xt, [0, 0, 0, 0], [-1, H - Math.max(0, cutH - pb), W - Math.max(0, cutW - pr), -1]);
    }
    pb = Math.max(0, pb - cutH);
    pr = Math.max(0, pr - cutW);
    const ft = tf.transpose(dys, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [top, pb],
      [left, pr],
      [0, 0],
    ];
    let out = tf.conv2d(xt, ft, 1, pad, 'NHWC', sh === sw ? sh : [sh, sw]); // [Ci, KH', KW', Co]
    out = tf.slice(out, [0, 0, 0, 0], [-1, KH, KW, -1]);
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D; // [KH, KW, Ci, Co]
  });
}

export const conv2dBackpropFilterConfig = (backendName: string): tf.KernelConfig => ({
  kernelName: tf.Conv2DBackpropFilter,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    return tf.tidy(() =>
      conv2dBackpropFilter(asTensor(x, backend) as tf.Tensor4D, asTensor(dy, backend) as tf.Tensor4D, a.filterShape, a),
    );
  },
});
