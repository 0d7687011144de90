// The bijector contract of the runtime. Directions follow FlowIR: forward = density direction
// (data → latent), inverse = sampling direction. logDet is per example, shape [batch].
// Image tensors are NHWC internally (FlowIR shapes are channels-first [C, H, W]).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIR } from '../../compiler/ir/types.js';
import type { ParamStore } from '../nets/params.js';
import type { Rng } from '../rng.js';

export interface ForwardResult {
  y: tf.Tensor;
  logDet: tf.Tensor1D;
  /** factored-out latent, [batch, d] (split) */ out?: tf.Tensor2D;
}
export interface InverseResult {
  x: tf.Tensor;
  logDet: tf.Tensor1D;
}

/**
 * A layer of a flow. `ctx` is the optional conditioning context (runtime/bijectors/context.ts):
 * [batch, k] (a vector, e.g. a one-hot label) or [batch, H, W, k] (NHWC feature map); the same ctx
 * goes to every layer of a flow, and layers that do not use it ignore it.
 */
export interface Bijector {
  readonly id: string;
  readonly kind: string;
  forward(x: tf.Tensor, ctx?: tf.Tensor): ForwardResult;
  /** `out` is the factored-out latent a split layer needs back */
  inverse(y: tf.Tensor, out?: tf.Tensor2D, ctx?: tf.Tensor): InverseResult;
  /** flattened size of the factored-out part (split layers only) */
  readonly outSize?: number;
  /** data-dependent initialisation (actnorm): sets parameters from x, then returns forward(x) */
  initFrom?(x: tf.Tensor): ForwardResult;
  needsInit?(): boolean;
  dispose?(): void;
}

export interface BuildContext {
  store: ParamStore;
  rng: Rng;
  /**
   * shape (no batch axis) of the conditioning context the layers will receive: [k] or [H, W, k]
   * (internal NHWC); null/absent = unconditioned (parameter shapes as without a context)
   */
  contextShape?: number[] | null;
  /** builds nested layers (variational dequantization's q flow) */
  buildLayers(layers: LayerIR[]): Bijector[];
}

/** FlowIR shape ([C,H,W] or [D]) → internal tensor shape without batch ([H,W,C] or [D]) */
export function internalShape(s: number[]): number[] {
  return s.length === 3 ? [s[1], s[2], s[0]] : s.slice();
}

export function sizeOf(s: number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/** a flattened channels-first mask (C·H·W) re-laid out as NHWC (H·W·C); vectors unchanged */
export function maskToInternal(mask: number[], shape: number[]): number[] {
  if (shape.length !== 3) return mask.slice();
  const [C, H, W] = shape;
  const out = new Array<number>(C * H * W);
  for (let c = 0; c < C; c++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) {
        out[(h * W + w) * C + c] = mask[(c * H + h) * W + w];
      }
  return out;
}

/** Σ over every axis but the batch axis → [batch] */
export function sumExceptBatch(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  return tf.sum(
    t,
    Array.from({ length: t.rank - 1 }, (_, i) => i + 1),
  ) as tf.Tensor1D;
}

export function zerosBatch(x: tf.Tensor): tf.Tensor1D {
  return tf.zeros([x.shape[0]]) as tf.Tensor1D;
}

/** the parameter init FlowIR asks for, if it names this parameter */
export function paramInit(layer: LayerIR, name: string, fallback: string): string {
  return layer.params?.find((p) => p.name === name)?.init ?? fallback;
}

/** log σ(x) = −softplus(−x) (tf.logSigmoid's custom gradient keeps a reference to x that tf.tidy may free) */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}

/** tf.tidy for a ForwardResult (an interface, which tf.tidy's TensorContainer type does not admit) */
export function tidyForward(f: () => ForwardResult): ForwardResult {
  return tf.tidy(() => f() as unknown as tf.TensorContainer) as unknown as ForwardResult;
}
