// Dense conditioner: in → hidden... → out, U(±1/√fan_in) init, optional zero-initialised last layer.
// An optional mask per layer ([in, out], 0/1) makes it a MADE. On wasm/cpu with an activation the
// fused dense op supports (runtime/kernels/fused/dense.ts), the whole stack is one op with a
// hand-written backward; FLOWC_FUSE=0 (or `fused: false`) keeps the op-by-op path.
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params.js';
import { activate } from './activations.js';
import { denseStack, fusableActivation } from '../kernels/fused/dense.js';
import { kernelOn } from '../plan/planner.js';

export interface Net {
  apply(x: tf.Tensor): tf.Tensor;
}

export class Mlp implements Net {
  private readonly ws: tf.Variable[] = [];
  private readonly bs: tf.Variable[] = [];
  private readonly masks: (tf.Tensor | null)[] = [];

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
  }

  /**
   * weights, biases and activation for a fused conditioner (runtime/kernels/fused/coupling.ts), or null (masked or not
   * fusable)
   */
  fusedParams(): { ws: tf.Variable[]; bs: tf.Variable[]; activation: string } | null {
    if (this.masks.some((m) => m) || !fusableActivation(this.activation)) return null;
    return { ws: this.ws, bs: this.bs, activation: this.activation };
  }

  /** fused: force (true) or forbid (false) the fused dense op; default: the planner's kernel mlp:fused-dense */
  apply(x: tf.Tensor, fused?: boolean): tf.Tensor {
    const fuse = (fused ?? kernelOn('mlp:fused-dense')) && x.rank === 2 && fusableActivation(this.activation);
    return tf.tidy(() => {
      if (fuse) {
        const ws = this.ws.map((w, l) => (this.masks[l] ? tf.mul(w, this.masks[l]!) : w) as tf.Tensor2D);
        return denseStack(x as tf.Tensor2D, ws, this.bs as tf.Tensor1D[], this.activation);
      }
      let h = x as tf.Tensor2D;
      for (let l = 0; l < this.ws.length; l++) {
        const w = this.masks[l] ? tf.mul(this.ws[l], this.masks[l]!) : this.ws[l];
        h = tf.add(tf.matMul(h, w as tf.Tensor2D), this.bs[l]);
        if (l + 1 < this.ws.length) h = activate(h, this.activation) as tf.Tensor2D;
      }
      return h;
    });
  }

  dispose(): void {
    for (const m of this.masks) m?.dispose();
  }
}
