// A faster Conv2DBackpropInput for wasm (its stock kernel runs ~10× slower than a forward conv):
// for stride 1, dx = conv2d(pad(dy), W flipped in space with in/out channels swapped).
// Other strides fall back to the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, convInfo, type ConvAttrs } from './wrap.js';

export function conv2dBackpropInputStride1(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D | null {
  const nhwcIn: [number, number, number, number] =
    attrs.dataFormat === 'NCHW' ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : inputShape;
  const info = convInfo(nhwcIn, filter.shape as [number, number, number, number], { ...attrs, dataFormat: 'NHWC' });
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  const [KH, KW] = filter.shape;
  const { top, left } = info.padInfo;
  const pt = KH - 1 - top,
    pl = KW - 1 - left;
  const pb = nhwcIn[1] - info.outHeight + top,
    pr = nhwcIn[2] - info.outWidth + left;
  if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return null;
  return tf.tidy(() => {
    const dys = attrs.dataFormat === 'NCHW' ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    // the padding goes to the conv itself (XNNPACK reads zeros: no padded copy of dy)
    const wf = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const dx = tf.conv2d(dys as tf.Tensor4D, wf, 1, [
      [0, 0],
      [pt, pb],
      [pl, pr],
      [0, 0],
    ]);
    return (attrs.dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx) as tf.Tensor4D;
  });
}

export const conv2dBackpropInputConfig = (backendName: string, stock?: tf.KernelConfig): tf.KernelConfig => ({
  kernelName: tf.Conv2DBackpropInput,
  backendName,
  setupFunc: stock?.setupFunc,
  kernelFunc: (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    const dyT = asTensor(dy, backend) as tf.Tensor4D,
      fT = asTensor(filter, backend) as tf.Tensor4D;
    let out: tf.Tensor4D | null;
    try {
      out = conv2dBackpropInputStride1(dyT, fT, a.inputShape, a);
    } finally {
      dyT.dispose();
      fT.dispose();
    }
    if (out) return out;
    if (!stock) throw new Error('Conv2DBackpropInput: no kernel for strides > 1 on this backend');
    return stock.kernelFunc(args);
  },
});
