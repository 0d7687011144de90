// A masked dense layer y = act(a·(W∘M) + b) as ONE tape node with a hand-written gradient
// (MADE's layers; act = relu or identity), computed on TRANSPOSED activations: a chain of these
// keeps MADE's activations as [units, N] (N = batch), so that no matrix product ever packs the
// big weight (XNNPACK packs a product's right operand; a fresh 784×500 one costs ~1.4 ms on one
// wasm thread, and the weight is fresh every step):
//  - forward: zT = (W∘M)ᵀ·aT + b, yT = relu(zT): W∘M and (W∘M)ᵀ come from one SIMD pass
//    (runtime/kernels/wasm/simd.ts; tf.mul + tf.transpose elsewhere), the weight is the streamed
//    left operand, only the small aT is packed;
//  - backward: dzT = dyT·step(yT), daT = (W∘M)·dzT (streamed weight again), dW = (aT·dzTᵀ)∘M
//    (packs the small dz), db = Σₙ dzT;
//  - no Cast/Identity/Reshape kernels of the stock gradients of mul, add and relu.
// Same math as tf.add(tf.matMul(a, tf.mul(W, M)), b) (+ tf.relu) to float32 rounding
// (test/runtime/masked-dense.test.ts, test/runtime/made-fused.test.ts). Gradients are computed
// only for inputs on the path to the loss (the engine asks lazily), so MADE's first layer never
// computes da. The mask is a constant (no gradient). Registered as the planner's made:fused-masked-dense:
// MADE's masked pass (runtime/ar/made.ts MadePass) as a chain of these.
import * as tf from '@tensorflow/tfjs-core';
import { engine } from './engine.js';
import { simdMaskTranspose } from '../wasm/simd.js';
import { config } from '../../config.js';
import { normAct } from '../../ar/common.js';
import type { MadeNet, MadePass } from '../../ar/made.js';
import { registerKernel, type PlanUnit } from '../../plan/registry.js';

/**
 * The layer on transposed activations: aT [I, N] ↦ yT [O, N] = act((w∘mask)ᵀ·aT + b), w and
 * mask [I, O], b [O]; relu or identity; one tape node, differentiable in aT, w and b.
 */
export function maskedDenseT(
  aT: tf.Tensor2D,
  w: tf.Tensor2D,
  mask: tf.Tensor2D,
  b: tf.Tensor1D,
  relu: boolean,
): tf.Tensor2D {
  return engine().runKernelFunc({
    inputs: { a: aT, w, b },
    attrs: {},
    forwardFunc: (_backend, save) => {
      // w∘mask and its transpose: one SIMD pass on wasm (runtime/kernels/wasm/simd.ts), else two ops
      const pair = config().simdMaskTranspose ? simdMaskTranspose(w, mask) : null;
      const wm = pair ? pair[0] : (tf.mul(w, mask) as tf.Tensor2D);
      const wmT = pair ? pair[1] : tf.transpose(wm);
      const z = tf.add(tf.matMul(wmT, aT), tf.reshape(b, [-1, 1])) as tf.Tensor2D;
      const y = relu ? (tf.relu(z) as tf.Tensor2D) : z;
      save(relu ? [aT, wm, y] : [aT, wm]);
      return y;
    },
    backwardsFunc: (dy, saved) => {
      const [sa, wm, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
      const dz = (y ? tf.mul(dy, tf.step(y)) : dy) as tf.Tensor2D;
      return {
        a: () => tf.matMul(wm, dz),
        w: () => tf.mul(tf.matMul(sa, dz, false, true), mask),
        b: () => tf.sum(dz, 1),
      };
    },
  }) as tf.Tensor2D;
}

/** MADE's pass with each layer one maskedDenseT node; `dense` runs one layer (maskedDenseT or a staircase) */
export function transposedMadePass(
  net: MadeNet,
  h0: tf.Tensor2D,
  member: number,
  dense: (aT: tf.Tensor2D, l: number, relu: boolean) => tf.Tensor2D,
): tf.Tensor3D {
  const L = net.weights.length;
  let h = tf.transpose(h0); // activations as [units, N]
  for (let l = 0; l < L; l++) h = dense(h, l, l < L - 1 && net.activation === 'relu');
  // [P·D, N] (row p·D + d) → [N, D, P] in one transpose
  return tf.transpose(tf.reshape(h, [net.P, net.D, h0.shape[0]]), [2, 1, 0]) as tf.Tensor3D;
}

/** relu or linear MADEs (the activations maskedDenseT computes) */
export const reluOrLinear = (u: PlanUnit): true | string => {
  const c = u.ir?.conditional?.kind === 'made' ? u.ir.conditional : undefined;
  if (c?.context) return 'conditioned (the context enters the first layer in plain ops)';
  const a = c ? normAct(c.activation) : 'none';
  return a === 'relu' || a === 'none' || `activation ${a} (needs relu or none)`;
};

registerKernel<MadePass>({
  name: 'fused-masked-dense',
  kind: 'made',
  backends: 'any',
  settings: ['madeFused'],
  doc: 'each MADE layer one tape node on transposed activations (kernels/fused/masked-dense.ts)',
  applies: reluOrLinear,
  implement: (under, on) => (net, h, member) => {
    if (!on()) return under(net, h, member);
    const ms = net.masks[member]!;
    return transposedMadePass(net, h, member, (aT, l, relu) =>
      maskedDenseT(
        aT,
        net.weights[l] as tf.Variable<tf.Rank.R2>,
        ms[l]!,
        net.biases[l] as tf.Variable<tf.Rank.R1>,
        relu,
      ),
    );
  },
});
