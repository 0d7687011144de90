// Helpers for kernels built from tfjs ops: wrap a kernel's TensorInfo inputs as Tensors that
// share the input's data (the backend's reference count is raised, so disposing them is safe).
import * as tf from '@tensorflow/tfjs-core';

export function asTensor(info: tf.TensorInfo, backendArg: unknown): tf.Tensor {
  const backend = backendArg as tf.KernelBackend;
  const t = tf.engine().makeTensorFromTensorInfo(info, backend);
  backend.incRef(info.dataId);
  return t;
}

export interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  a: ConvAttrs,
): tf.backend_util.Conv2DInfo {
  const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, format);
}
