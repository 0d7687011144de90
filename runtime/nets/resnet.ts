// Convolutional conditioner (W3): h = Conv(Cin→ch)(x); blocks × [h += Conv(ReLU(Conv(ReLU(h))))];
// o = Conv(ch→Cout)(ReLU(h)); k×k, stride 1, zero "same" padding, bias; last conv optionally zero.
// Tensors are NHWC.
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params.js';
import type { Net } from './mlp.js';
import { makeMaskedConv, maskedConv2d, type MaskedConv, type MaskedConv2d } from '../ar/masked-conv.js';
import { implementationOf } from '../plan/planner.js';

interface Conv {
  w: tf.Variable;
  b: tf.Variable;
  plain: MaskedConv;
}

export class ResNet implements Net {
  private readonly convs: Conv[] = [];
  /** the conv (without a mask): the plain one or a kernel's (the planner's choice for this net) */
  private readonly conv2d: MaskedConv2d;

  constructor(
    store: ParamStore,
    prefix: string,
    cin: number,
    cout: number,
    readonly blocks: number,
    readonly channels: number,
    readonly kernel: number,
    zeroInitLast: boolean,
  ) {
    const mk = (name: string, ci: number, co: number, zero = false): Conv => {
      const fan = ci * kernel * kernel;
      const init = zero ? 'zeros' : 'uniform-fan-in';
      return {
        w: store.create(`${prefix}.${name}.W`, [kernel, kernel, ci, co], init, { fanIn: fan }),
        b: store.create(`${prefix}.${name}.b`, [co], init, { fanIn: fan }),
        plain: makeMaskedConv(kernel, new Array<number>(ci).fill(0), new Array<number>(co).fill(0), 'none'),
      };
    };
    this.convs.push(mk('in', cin, channels));
    for (let i = 0; i < blocks; i++) {
      this.convs.push(mk(`block${i}.conv0`, channels, channels));
      this.convs.push(mk(`block${i}.conv1`, channels, channels));
    }
    this.convs.push(mk('out', channels, cout, zeroInitLast));
    this.conv2d = implementationOf({ id: prefix, kind: 'resnet', contextShape: null }, maskedConv2d);
  }

  /** conv + bias (+ ReLU) */
  private conv(x: tf.Tensor4D, c: Conv, relu = false): tf.Tensor4D {
    return this.conv2d(x, c.w as tf.Tensor4D, c.b as tf.Tensor1D, c.plain, relu ? 'relu' : 'none');
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = this.conv(x as tf.Tensor4D, this.convs[0]);
      for (let i = 0; i < this.blocks; i++) {
        const a = this.conv(tf.relu(h), this.convs[1 + 2 * i], true); // = relu(a): only relu(a) is used
        h = tf.add(h, this.conv(a, this.convs[2 + 2 * i]));
      }
      return this.conv(tf.relu(h), this.convs[this.convs.length - 1]);
    });
  }
}
