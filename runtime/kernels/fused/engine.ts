// The parts of tfjs's engine (internal API, tfjs 4.22.0 pinned) that the fused ops use:
// runKernelFunc records ONE tape node with a custom forward and backward, any number of outputs
// (tf.customGrad allows one, and always computes every input's gradient).
import * as tf from '@tensorflow/tfjs-core';

interface TapeNodeLike {
  outputs: tf.Tensor[];
  saved: tf.Tensor[];
}

export interface EngineInternals {
  runKernelFunc<T extends tf.Tensor | tf.Tensor[] = tf.Tensor>(p: {
    forwardFunc: (backend: unknown, save: (ts: tf.Tensor[]) => void) => tf.Tensor | tf.Tensor[];
    /** one gradient function per input key; dy is one tensor, or an array for several outputs */
    backwardsFunc: (dy: never, saved: never) => Record<string | number, () => tf.Tensor>;
    inputs: Record<string | number, tf.Tensor>;
    attrs?: Record<string, unknown>;
  }): T;
  runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: unknown): tf.Tensor;
  isTapeOn(): boolean;
  backend: { incRef(id: object): void };
  state: { activeTape: TapeNodeLike[] | null };
}

export const engine = (): EngineInternals => tf.engine() as unknown as EngineInternals;
