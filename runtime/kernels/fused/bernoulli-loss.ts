// The Bernoulli log-likelihood per dimension, log p(x | l) = x·l − softplus(l) for logits l and
// 0/1 data x, as ONE tape node on wasm: one SIMD pass (runtime/kernels/wasm/simd.ts bernFwd)
// computes it and σ(l), the gradient dl = dy·(x − σ(l)) is a second pass (bernGrad); dx = dy·l
// (data rarely needs it; computed with one op when asked). Replaces Squeeze, Multiply, Softplus,
// Sub forward and Sigmoid, Multiply, Sub, Neg, … backward. Same values and gradients as the plain
// ops to float32 rounding (test/runtime/bernoulli-loss.test.ts). Registered as the planner's
// likelihood:fused-bernoulli (the Bernoulli likelihood's BernoulliLogProb, runtime/likelihoods.ts).
import * as tf from '@tensorflow/tfjs-core';
import { engine } from './engine.js';
import { heapMatMul } from './heap-matmul.js';
import { simdBernoulliKernels } from '../wasm/simd.js';
import type { BernoulliLogProb } from '../../likelihoods.js';
import { registerKernel } from '../../plan/registry.js';

/** whether bernoulliLogProbFused can run here (wasm with the SIMD kernels) */
export function bernoulliFusedAvailable(): boolean {
  return heapMatMul() != null && simdBernoulliKernels() != null;
}

/** float64 reference for the last n mod 4 elements (rounded to float32 on store) */
function tail(l: Float32Array, x: Float32Array, out: Float32Array, sig: Float32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = l[i]!,
      e = Math.exp(-Math.abs(v));
    out[i] = x[i]! * v - (Math.max(v, 0) + Math.log1p(e));
    sig[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
}

/**
 * x·l − softplus(l) elementwise for float32 l and x of one shape; one tape node, differentiable
 * in l and x. Wasm only (bernoulliFusedAvailable()).
 */
export function bernoulliLogProbFused(l: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const hm = heapMatMul(),
    k = simdBernoulliKernels();
  if (!hm || !k) throw new Error('bernoulliLogProbFused: needs the wasm backend');
  if (l.dtype !== 'float32' || x.dtype !== 'float32' || l.size !== x.size)
    throw new Error('bernoulliLogProbFused: float32 l and x of one size');
  const n = l.size,
    n4 = n & ~3,
    shape = l.shape.slice();
  return engine().runKernelFunc({
    inputs: { l, x },
    attrs: {},
    forwardFunc: (_backend, save) => {
      const [out, oo] = hm.output(shape),
        [sig, so] = hm.output(shape);
      const lo = hm.offset(l),
        xo = hm.offset(x);
      k.bernFwd(lo, xo, oo, so, n4);
      if (n4 < n) {
        const h = hm.heap();
        tail(
          h.subarray(lo >> 2, (lo >> 2) + n),
          h.subarray(xo >> 2, (xo >> 2) + n),
          h.subarray(oo >> 2, (oo >> 2) + n),
          h.subarray(so >> 2, (so >> 2) + n),
          n4,
          n,
        );
      }
      save([x, sig, l]);
      sig.dispose();
      return out;
    },
    backwardsFunc: (dy, saved) => {
      const [sx, sig, sl] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return {
        l: () => {
          const [g, go] = hm.output(shape);
          const dyo = hm.offset(dy),
            xo = hm.offset(sx),
            so = hm.offset(sig);
          k.bernGrad(dyo, xo, so, go, n4);
          if (n4 < n) {
            const h = hm.heap(),
              [d, xx, s, o] = [dyo, xo, so, go].map((p) => p >> 2) as [number, number, number, number];
            for (let i = n4; i < n; i++) h[o + i] = h[d + i]! * (h[xx + i]! - h[s + i]!);
          }
          return g;
        },
        x: () => tf.mul(dy, sl),
      };
    },
  });
}

registerKernel<BernoulliLogProb>({
  name: 'fused-bernoulli',
  kind: 'likelihood',
  backends: ['wasm'],
  settings: ['fuse', 'bernoulliFused'],
  doc: 'Bernoulli log-likelihood as one wasm SIMD pass (kernels/fused/bernoulli-loss.ts)',
  when: () => bernoulliFusedAvailable() || 'wasm SIMD unavailable',
  applies: (u) => u.likelihood?.kind === 'bernoulli' || `likelihood ${u.likelihood?.kind ?? 'none'}`,
  implement: (under, on) => (params, x) =>
    on() && params.dtype === 'float32' && x.dtype === 'float32' && params.size === x.size
      ? (tf.reshape(bernoulliLogProbFused(params, x), x.shape) as tf.Tensor2D)
      : under(params, x),
});
