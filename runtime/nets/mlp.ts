// Dense conditioner: in → hidden... → out, U(±1/√fan_in) init, optional zero-initialised last layer.
// An optional mask per layer ([in, out], 0/1) makes it a MADE.
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params.js';
import { activate } from './activations.js';

export interface Net {
  apply(x: tf.Tensor): tf.Tensor;
}

export class Mlp implements Net {
  private readonly ws: tf.Variable[] = [];
  private readonly bs: tf.Variable[] = [];
  private readonly masks: (tf.Tensor | null)[] = [];

  constructor(store: ParamStore, prefix: string, sizes: number[], readonly activation: string,
    zeroInitLast: boolean, masks?: (number[][] | null)[]) {
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      const init = last && zeroInitLast ? 'zeros' : 'uniform-fan-in';
      this.ws.push(store.create(`${prefix}.${l}.W`, [sizes[l], sizes[l + 1]], init, { fanIn: sizes[l] }));
      this.bs.push(store.create(`${prefix}.${l}.b`, [sizes[l + 1]], init, { fanIn: sizes[l] }));
      const m = masks?.[l];
      this.masks.push(m ? tf.keep(tf.tensor2d(m.flat(), [sizes[l], sizes[l + 1]])) : null);
    }
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
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
