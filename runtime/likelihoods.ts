// Per-dimension likelihoods of autoregressive models: the network emits P parameters per data
// dimension; logProb turns them into log p(x_d | x_<d) (nats), sample draws x_d on the host.
//   bernoulli         P = 1  (logit)
//   categorical(K)    P = K  (logits of a K-way softmax)
//   logistic_mixture  P = 3k (mixture logits, means, log-scales) — discretized logistic mixture of
//                     PixelCNN++ over K bins: value v ↦ centre 2v/(K−1) − 1 in [−1, 1], bin half-width
//                     1/(K−1); the edge bins 0 and K−1 take the whole tail mass (−∞ and +∞).
//   gaussian          P = 2 (mean, log-std) or 1 (mean, std 1) for real data
// Sampling is done on the host from the parameters of one dimension, with a FIXED number of
// draws per example per call (so fast and naive samplers consume identical random streams).
import * as tf from '@tensorflow/tfjs-core';
import type { LikelihoodIR } from '../compiler/ir/types.js';
import type { Rng } from './rng.js';
import { splitLast } from './ar/common.js';
import { implementationOf } from './plan/planner.js';

export interface Likelihood {
  readonly ir: LikelihoodIR;
  /** parameters per data dimension */
  readonly P: number;
  /** params [N, D, P], x [N, D] (raw values) → log p per dimension [N, D], in nats */
  logProb(params: tf.Tensor3D, x: tf.Tensor2D): tf.Tensor2D;
  /**
   * Draws one dimension for n examples. params: n·P floats (example-major); writes out[0..n).
   * Temperature T divides logits and scales standard deviations / logistic scales.
   */
  sample(params: Float32Array, n: number, rng: Rng, temperature: number, out: Float32Array): void;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** PixelCNN++ lower bound on the log-scales of the logistic components */
export const MIN_LOG_SCALE = -7;

/** index drawn from softmax(logits[off..off+k) / T) with the uniform u */
export function softmaxPick(logits: Float32Array, off: number, k: number, T: number, u: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) m = Math.max(m, logits[off + i]! / T);
  let z = 0;
  for (let i = 0; i < k; i++) z += Math.exp(logits[off + i]! / T - m);
  let acc = 0;
  const target = u * z;
  for (let i = 0; i < k; i++) {
    acc += Math.exp(logits[off + i]! / T - m);
    if (target < acc) return i;
  }
  return k - 1;
}

/** the Bernoulli log-likelihood of logits [N, D, 1] at x [N, D] (the planner may choose a kernel for it) */
export type BernoulliLogProb = (params: tf.Tensor3D, x: tf.Tensor2D) => tf.Tensor2D;

/** the plain Bernoulli log-likelihood: x·l − softplus(l) = log σ(l) for x = 1, log(1 − σ(l)) for x = 0 */
export const plainBernoulliLogProb: BernoulliLogProb = (params, x) => {
  const l = tf.squeeze(params, [2]) as tf.Tensor2D;
  return tf.sub(tf.mul(x, l), tf.softplus(l)) as tf.Tensor2D;
};

function bernoulli(ir: LikelihoodIR): Likelihood {
  const logProb = implementationOf(
    { id: 'likelihood', kind: 'likelihood', likelihood: ir, contextShape: null },
    plainBernoulliLogProb,
  );
  return {
    ir,
    P: 1,
    logProb: (params, x) => tf.tidy(() => logProb(params, x)),
    sample(params, n, rng, T, out) {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-params[i]! / T));
        out[i] = rng.uniform() < p ? 1 : 0;
      }
    },
  };
}

function categorical(ir: LikelihoodIR, K: number): Likelihood {
  return {
    ir,
    P: K,
    logProb: (params, x) =>
      tf.tidy(() => {
        const lsm = tf.logSoftmax(params, -1);
        const oh = tf.oneHot(tf.cast(x, 'int32'), K);
        return tf.sum(tf.mul(lsm, oh), -1) as tf.Tensor2D;
      }),
    sample(params, n, rng, T, out) {
      for (let i = 0; i < n; i++) out[i] = softmaxPick(params, i * K, K, T, rng.uniform());
    },
  };
}

function gaussian(ir: LikelihoodIR, learnedStd: boolean): Likelihood {
  const P = learnedStd ? 2 : 1;
  return {
    ir,
    P,
    logProb: (params, x) =>
      tf.tidy(() => {
        const [mu, ls] = learnedStd ? splitLast(params, 2) : [params, tf.zerosLike(params)];
        const m = tf.squeeze(mu!, [2]);
        const s = tf.squeeze(ls!, [2]);
        const z = tf.mul(tf.sub(x, m), tf.exp(tf.neg(s)));
        return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(s, 0.5 * LOG_2PI)) as tf.Tensor2D;
      }),
    sample(params, n, rng, T, out) {
      for (let i = 0; i < n; i++) {
        const mu = params[i * P]!;
        const sd = learnedStd ? Math.exp(params[i * P + 1]!) : 1;
        out[i] = mu + sd * T * rng.normal();
      }
    },
  };
}

/** log p of bin x under one discretized logistic per mixture component: [N, D, k] */
export function logisticBinLogProb(x: tf.Tensor2D, means: tf.Tensor, logScales: tf.Tensor, K: number): tf.Tensor {
  const half = 1 / (K - 1);
  const xs = tf.sub(tf.mul(tf.expandDims(x, 2), 2 / (K - 1)), 1); // centre in [−1, 1]
  const centred = tf.sub(xs, means);
  const invS = tf.exp(tf.neg(logScales));
  const plusIn = tf.mul(invS, tf.add(centred, half));
  const minIn = tf.mul(invS, tf.sub(centred, half));
  const cdfPlus = tf.sigmoid(plusIn);
  const cdfMin = tf.sigmoid(minIn);
  const logCdfPlus = tf.sub(plusIn, tf.softplus(plusIn)); // log σ(plusIn), for bin 0
  const logOneMinusCdfMin = tf.neg(tf.softplus(minIn)); // log(1 − σ(minIn)), for bin K−1
  const delta = tf.sub(cdfPlus, cdfMin);
  const midIn = tf.mul(invS, centred);
  // density at the centre times the bin width, used where the CDF difference underflows
  const logPdfMid = tf.sub(tf.sub(midIn, logScales), tf.mul(2, tf.softplus(midIn)));
  const approx = tf.add(logPdfMid, Math.log(2 * half));
  const inner = tf.where(tf.greater(delta, 1e-5), tf.log(tf.maximum(delta, 1e-12)), approx);
  const atLow = tf.lessEqual(xs, -1 + half / 2);
  const atHigh = tf.greaterEqual(xs, 1 - half / 2);
  return tf.where(atLow, logCdfPlus, tf.where(atHigh, logOneMinusCdfMin, inner));
}

function logisticMixture(ir: LikelihoodIR, k: number, K: number): Likelihood {
  return {
    ir,
    P: 3 * k,
    logProb: (params, x) =>
      tf.tidy(() => {
        const [logits, means, rawLs] = splitLast(params, 3);
        const logScales = tf.maximum(rawLs!, MIN_LOG_SCALE);
        const lp = logisticBinLogProb(x, means!, logScales, K);
        return tf.logSumExp(tf.add(tf.logSoftmax(logits!, -1), lp), -1) as tf.Tensor2D;
      }),
    sample(params, n, rng, T, out) {
      const P = 3 * k;
      for (let i = 0; i < n; i++) {
        const off = i * P;
        const c = softmaxPick(params, off, k, T, rng.uniform());
        let u = rng.uniform();
        u = Math.min(Math.max(u, 1e-7), 1 - 1e-7);
        const mu = params[off + k + c]!;
        const s = Math.exp(Math.max(params[off + 2 * k + c]!, MIN_LOG_SCALE));
        const xc = mu + s * T * (Math.log(u) - Math.log(1 - u));
        const bin = Math.round(((xc + 1) * (K - 1)) / 2);
        out[i] = Math.min(K - 1, Math.max(0, bin));
      }
    },
  };
}

export function buildLikelihood(ir: LikelihoodIR): Likelihood {
  switch (ir.kind) {
    case 'bernoulli':
      return bernoulli(ir);
    case 'categorical':
      return categorical(ir, ir.K);
    case 'gaussian':
      return gaussian(ir, ir.learnedStd);
    case 'logistic_mixture':
      return logisticMixture(ir, ir.k, ir.K);
  }
}

/** bits per dimension of a per-example log-probability (nats) for discrete data with D dims */
export function bitsPerDim(logProb: tf.Tensor1D, D: number): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.neg(logProb), D * Math.LN2) as tf.Tensor1D);
}
