// Likelihoods over whole pixels, for models that generate every channel of a pixel in one step
// (order raster(channels: joint)).
//   logistic_mixture  PixelCNN++ (Salimans et al. 2017, eq. 3; the released code's
//                     discretized_mix_logistic_loss): one mixture component shared by the C
//                     channels; channel c's mean is μ_c + Σ_{c'<c} tanh(α_{c,c'})·x_{c'} (x scaled to
//                     [−1, 1]), so G depends on R and B on R and G inside the component. Per pixel
//                     k·(1 + 2C + C(C−1)/2) parameters: k logits, C·k means, C·k log-scales, then the
//                     coefficients, pair (c, c') at block c(c−1)/2 + c' (10k for RGB, 3k for grey).
//   anything else     the per-channel likelihood of runtime/likelihoods.ts, channels independent
//                     given the earlier pixels: C·P parameters (block c for channel c).
// Sampling draws a whole pixel from its parameters on the host, with a fixed number of uniforms
// per example. The mixture's later channels are conditioned on the earlier channels' drawn BIN
// CENTRES — the values the likelihood conditions on — so samples follow the model exactly (the
// released sampler feeds the unrounded draw instead).
import * as tf from '@tensorflow/tfjs-core';
import type { LikelihoodIR } from '../../compiler/ir/types.js';
import { pixelParamCount } from '../../compiler/math/pixelcnnpp.js';
import type { Rng } from '../rng.js';
import { MIN_LOG_SCALE, buildLikelihood, logisticBinLogProb, softmaxPick } from '../likelihoods.js';

export interface PixelLikelihood {
  readonly ir: LikelihoodIR;
  readonly C: number;
  /** parameters per pixel */
  readonly P: number;
  /** params [N, HW, P], x [N, C, HW] (raw values) → log p of each pixel [N, HW], nats */
  logProb(params: tf.Tensor3D, x: tf.Tensor3D): tf.Tensor2D;
  /** draws n pixels from params (n·P, example-major) into out (n·C, example-major) */
  sample(params: Float32Array, n: number, rng: Rng, temperature: number, out: Float32Array): void;
}

/** pair (c, c') with c' < c → its coefficient block */
const pairIndex = (c: number, c2: number): number => (c * (c - 1)) / 2 + c2;

function mixture(ir: Extract<LikelihoodIR, { kind: 'logistic_mixture' }>, C: number): PixelLikelihood {
  const { k, K } = ir;
  const nPairs = (C * (C - 1)) / 2;
  const P = pixelParamCount(ir, C);
  const toUnit = (v: number) => (2 * v) / (K - 1) - 1;
  return {
    ir,
    C,
    P,
    logProb: (params, x) =>
      tf.tidy(() => {
        const sizes = nPairs > 0 ? [k, C * k, C * k, nPairs * k] : [k, C * k, C * k];
        const [logits, means, rawLs, rawCoef] = tf.split(params, sizes, 2);
        const xs = tf.unstack(x, 1) as tf.Tensor2D[]; // C × [N, HW]
        const unit = xs.map((t) => tf.expandDims(tf.sub(tf.mul(t, 2 / (K - 1)), 1), 2));
        const coef = rawCoef ? tf.tanh(rawCoef) : undefined;
        const block = (t: tf.Tensor, b: number) => tf.slice(t, [0, 0, b * k], [-1, -1, k]);
        let total: tf.Tensor = tf.logSoftmax(logits!, -1);
        for (let c = 0; c < C; c++) {
          let mu = block(means!, c);
          for (let c2 = 0; c2 < c; c2++) mu = tf.add(mu, tf.mul(block(coef!, pairIndex(c, c2)), unit[c2]!));
          const ls = tf.maximum(block(rawLs!, c), MIN_LOG_SCALE);
          total = tf.add(total, logisticBinLogProb(xs[c]!, mu, ls, K));
        }
        return tf.logSumExp(total, -1) as tf.Tensor2D;
      }),
    sample(params, n, rng, T, out) {
      const centre = new Float64Array(C);
      for (let i = 0; i < n; i++) {
        const off = i * P;
        const m = softmaxPick(params, off, k, T, rng.uniform());
        for (let c = 0; c < C; c++) {
          let mu = params[off + k + c * k + m]!;
          for (let c2 = 0; c2 < c; c2++) {
            mu += Math.tanh(params[off + (1 + 2 * C + pairIndex(c, c2)) * k + m]!) * centre[c2]!;
          }
          const s = Math.exp(Math.max(params[off + (1 + C + c) * k + m]!, MIN_LOG_SCALE));
          const u = Math.min(Math.max(rng.uniform(), 1e-7), 1 - 1e-7);
          const xc = mu + s * T * (Math.log(u) - Math.log(1 - u));
          const bin = Math.min(K - 1, Math.max(0, Math.round(((xc + 1) * (K - 1)) / 2)));
          out[i * C + c] = bin;
          centre[c] = toUnit(bin);
        }
      }
    },
  };
}

function factorized(ir: LikelihoodIR, C: number): PixelLikelihood {
  const lik = buildLikelihood(ir);
  const P1 = lik.P;
  return {
    ir,
    C,
    P: C * P1,
    logProb: (params, x) =>
      tf.tidy(() => {
        const [N, HW] = params.shape;
        const byChannel = tf.transpose(tf.reshape(params, [N, HW, C, P1]), [0, 2, 1, 3]);
        const per = tf.reshape(byChannel, [N, C * HW, P1]) as tf.Tensor3D;
        const lp = lik.logProb(per, tf.reshape(x, [N, C * HW]) as tf.Tensor2D);
        return tf.sum(tf.reshape(lp, [N, C, HW]), 1) as tf.Tensor2D;
      }),
    sample(params, n, rng, T, out) {
      const pc = new Float32Array(n * P1);
      const col = new Float32Array(n);
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < n; i++) pc.set(params.subarray(i * C * P1 + c * P1, i * C * P1 + (c + 1) * P1), i * P1);
        lik.sample(pc, n, rng, T, col);
        for (let i = 0; i < n; i++) out[i * C + c] = col[i]!;
      }
    },
  };
}

export function buildPixelLikelihood(ir: LikelihoodIR, C: number): PixelLikelihood {
  return ir.kind === 'logistic_mixture' ? mixture(ir, C) : factorized(ir, C);
}
