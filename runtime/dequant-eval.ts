// The two numbers Flow++ reports for a dequantized model (Ho et al. 2019, §3.1 and Table 1): the
// dequantization bound E_q[log p(x + u) − log q(u|x)] (estimated by the mean of K single-sample bounds) and
// the importance-weighted estimate log (1/K) Σ_k p(x + u_k)/q(u_k|x), u_k ~ q(·|x), which is ≥ that mean for
// every example (log of a mean ≥ mean of logs) and tends to log P(x) as K grows. Each call of the model's
// logProb draws fresh noise, so K calls on the same rows give the K samples. Uniform dequantization is the
// special case q = U[0,1)^D.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';

export interface DequantEstimates {
  /** per example: the mean of the K single-sample bounds (nats) */
  bound: Float32Array;
  /** per example: the K-sample importance-weighted estimate of log P(x) (nats) */
  iw: Float32Array;
}

/** true when the model's first flow layer dequantizes its discrete data */
export function isDequantized(ir: FlowIR): boolean {
  return ir.family === 'flow' && ir.flow?.[0]?.kind === 'dequantize';
}

export function dequantEstimates(
  model: FlowModel,
  ir: FlowIR,
  pts: Float32Array,
  n: number,
  K: number,
  batch = 256,
  progress?: (done: number) => void,
): DequantEstimates {
  const d = pts.length / n;
  const bound = new Float32Array(n),
    iw = new Float32Array(n);
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const samples: Float32Array[] = [];
    const x = tf.tensor(pts.subarray(s * d, (s + m) * d), [m, ...ir.data.shape]);
    for (let k = 0; k < K; k++) {
      const lp = tf.tidy(() => model.logProb(x));
      samples.push(Float32Array.from(lp.dataSync() as Float32Array));
      lp.dispose();
    }
    x.dispose();
    for (let i = 0; i < m; i++) {
      let mx = -Infinity,
        mean = 0;
      for (const v of samples) {
        mx = Math.max(mx, v[i]!);
        mean += v[i]! / K;
      }
      let se = 0;
      for (const v of samples) se += Math.exp(v[i]! - mx);
      bound[s + i] = mean;
      iw[s + i] = Number.isFinite(mx) ? mx + Math.log(se / K) : mx;
    }
    progress?.(s + m);
  }
  return { bound, iw };
}
