// Builds a conditioner net from NetIR for a given input/output size.
import type { NetIR } from '../../compiler/ir/types.js';
import type { ParamStore } from './params.js';
import { Mlp, type Net } from './mlp.js';
import { ResNet } from './resnet.js';
import { FlowppNet } from './flowpp.js';
import * as tf from '@tensorflow/tfjs-core';

export type { Net } from './mlp.js';
export { Mlp } from './mlp.js';
export { ResNet } from './resnet.js';

/**
 * A net mapping [N, ...inShape] → [N, ...outShape] (internal layout). For images an mlp
 * flattens; a resnet keeps the spatial grid (inShape/outShape are [H, W, C]).
 */
export function buildNet(store: ParamStore, prefix: string, net: NetIR, inShape: number[], outShape: number[]): Net {
  const din = inShape.reduce((a, b) => a * b, 1);
  const dout = outShape.reduce((a, b) => a * b, 1);
  if (net.kind === 'flowpp') return new FlowppNet(store, prefix, net, inShape, outShape);
  if (net.kind === 'resnet') {
    if (inShape.length !== 3) throw new Error(`${prefix}: a resnet conditioner needs image data [C, H, W]`);
    return new ResNet(store, prefix, inShape[2], outShape[2], net.blocks, net.channels, net.kernel, net.zeroInitLast);
  }
  const hidden = net.hidden;
  const mlp = new Mlp(store, prefix, [din, ...hidden, dout], net.activation, net.zeroInitLast);
  if (inShape.length === 1 && outShape.length === 1) return mlp;
  return {
    apply: (x: tf.Tensor) =>
      tf.tidy(() => tf.reshape(mlp.apply(tf.reshape(x, [x.shape[0], din])), [x.shape[0], ...outShape])),
  };
}
