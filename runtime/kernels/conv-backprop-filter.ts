// Conv2DBackpropFilter for backends that lack it (wasm), from a forward conv:
// dW[kh,kw,ci,co] = Σ_{n,i,j} xpad[n, i·s+kh, j·s+kw, ci] · dy[n,i,j,co]
// = conv2d(xpadᵀ [Ci,Hp,Wp,N], dyᵀ [Ho,Wo,N,Co], dilation = stride), sliced to [KH, KW].
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, convInfo, type ConvAttrs } from './wrap.js';

export function conv2dBackpropFilter(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], attrs: ConvAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    let xs = x, dys = dy;
    if (attrs.dataFormat === 'NCHW') {
      xs = tf.transpose(x, [0, 2, 3, 1]);
      dys = tf.transpose(dy, [0, 2, 3, 1]);
    }
    const info = convInfo(xs.shape as [number, number, number, number], filterShape, { ...attrs, dataFormat: 'NHWC' });
    const { top, bottom, left, right } = info.padInfo;
    const [KH, KW] = filterShape;
    const sh = info.strideHeight, sw = info.strideWidth;
    // rows/cols of x actually visited by the forward conv
    const needH = (info.outHeight - 1) * sh + KH;
    const needW = (info.outWidth - 1) * sw + KW;
    let xp = tf.pad(xs, [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]]);
    xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1]);
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;          // [Ci, Hp, Wp, N]
    const ft = tf.transpose(dys, [1, 2, 0, 3]) as tf.Tensor4D;         // [Ho, Wo, N, Co]
    let out: tf.Tensor4D;
    if (sh === sw) {
      out = tf.conv2d(xt, ft, 1, 'valid', 'NHWC', sh);                   // [Ci, KH', KW', Co]
    } else {
      out = tf.conv2d(xt, ft, 1, 'valid', 'NHWC', [sh, sw]);
    }
    out = tf.slice(out, [0, 0, 0, 0], [-1, KH, KW, -1]);
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;             // [KH, KW, Ci, Co]
  });
}

export const conv2dBackpropFilterConfig = (backendName: string): tf.KernelConfig => ({
  kernelName: tf.Conv2DBackpropFilter,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    return tf.tidy(() => conv2dBackpropFilter(
      asTensor(x, backend) as tf.Tensor4D, asTensor(dy, backend) as tf.Tensor4D, a.filterShape, a,
    ));
  },
});
