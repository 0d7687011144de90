// Dense conditioner: in → hidden... → out, U(±1/√fan_in) init, optional zero-initialised last layer.
// An optional mask per layer ([in, out], 0/1) makes it a MADE. The dense stack below is the plain one;
// the planner may choose a kernel for it (mlp:fused-dense, runtime/kernels/fused/dense.ts: the whole
// stack one op with a hand-written backward).
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params.js';
import { activate } from './activations.js';
import { fusableActivation } from '../kernels/fused/dense.js';
import { implementationOf } from '../plan/planner.js';

export interface Net {
  apply(x: tf.Tensor): tf.Tensor;
  /** a data-dependent init (flowpp's weight norm) still to run on the next apply's batch */
  needsInit?(): boolean;
}

/** dense layers on x [N, in]: h ← act(h·W + b), no activation after the last; ws already masked */
export type DenseStack = (x: tf.Tensor2D, ws: tf.Tensor2D[], bs: tf.Tensor1D[], activation: string) => tf.Tensor2D;

/** the plain dense stack: matMul, add and activation per layer */
export const plainDenseStack: DenseStack = (x, ws, bs, activation) => {
  let h = x;
  for (let l = 0; l < ws.length; l++) {
    h = tf.add(tf.matMul(h, ws[l]!), bs[l]!);
    if (l + 1 < ws.length) h = activate(h, activation) as tf.Tensor2D;
  }
  return h;
};

export class Mlp implements Net {
  private readonly ws: tf.Variable[] = [];
  private readonly bs: tf.Variable[] = [];
  private readonly masks: (tf.Tensor | null)[] = [];
  /** the stack on rank-2 inputs: the plain one or a kernel's (the planner's choice for this net) */
  private readonly stack: DenseStack;

  constructor(
    store: ParamStore,
    prefix: string,
    sizes: number[],
    readonly activation: string,
    zeroInitLast: boolean,
    masks?: (number[][] | null)[],
  ) {
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      const init = last && zeroInitLast ? 'zeros' : 'uniform-fan-in';
      this.ws.push(store.create(`${prefix}.${l}.W`, [sizes[l], sizes[l + 1]], init, { fanIn: sizes[l] }));
      this.bs.push(store.create(`${prefix}.${l}.b`, [sizes[l + 1]], init, { fanIn: sizes[l] }));
      const m = masks?.[l];
      this.masks.push(m ? tf.keep(tf.tensor2d(m.flat(), [sizes[l], sizes[l + 1]])) : null);
    }
    this.stack = implementationOf({ id: prefix, kind: 'mlp', contextShape: null }, plainDenseStack);
  }

  /**
   * weights, biases and activation for a fused conditioner (runtime/kernels/fused/coupling.ts), or null (masked or not
   * fusable)
   */
  fusedParams(): { ws: tf.Variable[]; bs: tf.Variable[]; activation: string } | null {
    if (this.masks.some((m) => m) || !fusableActivation(this.activation)) return null;
    return { ws: this.ws, bs: this.bs, activation: this.activation };
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const ws = this.ws.map((w, l) => (this.masks[l] ? tf.mul(w, this.masks[l]!) : w) as tf.Tensor2D);
      const bs = this.bs as tf.Tensor1D[];
      return (x.rank === 2 ? this.stack : plainDenseStack)(x as tf.Tensor2D, ws, bs, this.activation);
    });
  }

  dispose(): void {
    for (const m of this.masks) m?.dispose();
  }
}
