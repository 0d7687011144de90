// Fused ops computed on the host: a JS function over Float32Arrays replaces a chain of tiny
// kernels (each ~7 µs of tfjs overhead on wasm, ~20–90 µs under a gradient tape), with a
// hand-written backward that is also one JS function. Inputs are read through zero-copy float32
// views of the backend's memory where possible (runtime/kernels/memory.ts float32View),
// outputs are uploaded as fresh tensors. Gradients are checked against the unfused ops in tests.
//
//   const op = hostOp({
//     forward: ([x, p]) => ({ outputs: [y], saved: [..] }),   // Float32Arrays in, out
//     backward: ([dy], saved, [x, p]) => [dx, dp],             // one gradient per input
//     shapes: (inShapes) => outShapes,
//   });
//   const [y] = op([x, p]);
import * as tf from '@tensorflow/tfjs-core';
import { engine } from './engine.js';
import { float32View } from '../memory.js';
import { config } from '../../config.js';

export interface HostForward {
  outputs: Float32Array[];
  /** anything the backward needs (kept in JS: no tensors are retained) */
  saved?: unknown;
}

export interface HostOpSpec {
  /** output shapes from the input shapes */
  shapes(inShapes: number[][]): number[][];
  forward(inputs: Float32Array[], inShapes: number[][]): HostForward;
  /**
   * gradients of the inputs from the outputs' gradients (null = zero: an output that did not
   * reach the loss); `inputs` are the forward's input arrays (copies, still valid)
   */
  backward(dys: (Float32Array | null)[], saved: unknown, inputs: Float32Array[], inShapes: number[][]): Float32Array[];
}

/**
 * Whether the runtime's fused host ops are used: the `fuse` setting (FLOWC_FUSE=0) turns all of them off (the plain
 * tfjs ops, which the tests use as the oracle); only on wasm and cpu, where kernel dispatch is
 * what they save.
 */
export function fusionEnabled(): boolean {
  if (!config().fuse) return false;
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

/** a copy of t's values (a float32 view of wasm memory may be detached by the next allocation) */
export function hostCopy(t: tf.Tensor): Float32Array {
  const v = float32View(t);
  return v ? v.slice() : Float32Array.from(t.dataSync() as ArrayLike<number>);
}

/**
 * Builds a differentiable op from a host computation: one tape node with any number of outputs
 * (tf.customGrad allows one). Every call returns one tensor per output; the gradient runs
 * `backward` on the host and uploads one gradient per input. Outputs that did not reach the
 * loss arrive as zeros (the engine's convention).
 */
export function hostOp(spec: HostOpSpec): (inputs: tf.Tensor[]) => tf.Tensor[] {
  return (inputs: tf.Tensor[]): tf.Tensor[] => {
    const shapes = inputs.map((t) => t.shape.slice());
    const outShapes = spec.shapes(shapes);
    let saved: unknown;
    let arrays: Float32Array[] = [];
    const inputMap: Record<number, tf.Tensor> = {};
    inputs.forEach((t, i) => (inputMap[i] = t));
    const out = engine().runKernelFunc<tf.Tensor | tf.Tensor[]>({
      inputs: inputMap,
      forwardFunc: () => {
        arrays = inputs.map(hostCopy);
        const fw = spec.forward(arrays, shapes);
        saved = fw.saved;
        return fw.outputs.map((a, i) => tf.tensor(a, outShapes[i], 'float32'));
      },
      backwardsFunc: (dy) => {
        const dys = (Array.isArray(dy) ? dy : [dy]).map((d) => (d ? hostCopy(d) : null));
        const gs = spec.backward(dys, saved, arrays, shapes);
        const map: Record<number, () => tf.Tensor> = {};
        gs.forEach((g, i) => (map[i] = () => tf.tensor(g, shapes[i], 'float32')));
        return map;
      },
    });
    return Array.isArray(out) ? out : [out];
  };
}
