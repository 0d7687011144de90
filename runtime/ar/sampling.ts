// Ancestral sampling in the declared order, batched. Both modes draw the same random numbers in
// the same order (ensemble member per example first, then dimension-major, example-minor), so a
// fast sampler that reproduces the conditional's parameters gives identical samples.
import * as tf from '@tensorflow/tfjs-core';
import type { Likelihood } from '../likelihoods.js';
import { Rng } from '../rng.js';
import type { ArConditional, FastSampler } from './common.js';

export interface SampleJob {
  n: number;
  D: number;
  order: number[];
  /** each member's order (order-agnostic MADE): step t of member m generates orders[m][t] */
  orders?: number[][];
  /** draw each example's member from the first `members` only (default: all of the conditional's) */
  members?: number;
  temperature: number;
  seed: number;
  /** image completion: given values (n·D) where known[i] = 1 */
  given?: { values: Float32Array; known: Uint8Array };
  /** p(x|y): the context [n, k] of every example */
  context?: tf.Tensor;
}

export type SampleMode = 'fast' | 'naive';

export function runSampling(cond: ArConditional, lik: Likelihood, job: SampleJob, mode: SampleMode): Float32Array {
  const { n, D, order } = job;
  const P = lik.P;
  const rng = new Rng(job.seed);
  const T = job.temperature > 0 ? job.temperature : 1;
  const members = Math.min(job.members ?? cond.members, cond.members);
  const orderOf = (m: number): number[] => job.orders?.[m] ?? order;
  const memberOf = new Int32Array(n);
  if (members > 1) for (let i = 0; i < n; i++) memberOf[i] = Math.min(members - 1, Math.floor(rng.uniform() * members));
  const used = [...new Set(memberOf)].sort((p, q) => p - q);
  const xs = new Float32Array(n * D);
  const useFast = mode === 'fast' && cond.fastSampler !== undefined;
  const samplers = new Map<number, FastSampler>();
  if (useFast) for (const m of used) samplers.set(m, cond.fastSampler!(n, m, job.context));
  const params = new Float32Array(n * P);
  const col = new Float32Array(n);
  try {
    for (let t = 0; t < D; t++) {
      const d = order[t]!;
      for (const m of used) {
        const dm = orderOf(m)[t]!;
        let pm: Float32Array;
        if (useFast) {
          pm = samplers.get(m)!.paramsAt(dm);
        } else {
          const t = tf.tidy(() => {
            const x = tf.tensor2d(xs, [n, D]);
            return tf.slice(cond.params(x, m, job.context), [0, dm, 0], [n, 1, P]);
          });
          pm = t.dataSync() as Float32Array;
          t.dispose();
        }
        if (used.length === 1) params.set(pm);
        else for (let i = 0; i < n; i++) if (memberOf[i] === m) params.set(pm.subarray(i * P, (i + 1) * P), i * P);
      }
      lik.sample(params, n, rng, T, col);
      if (job.orders) {
        // members may generate different dimensions at step t: each example writes its own member's
        for (let i = 0; i < n; i++) {
          const di = orderOf(memberOf[i]!)[t]!;
          if (job.given?.known[i * D + di]) col[i] = job.given.values[i * D + di]!;
          xs[i * D + di] = col[i]!;
        }
        if (useFast) for (const [m, s] of samplers) s.observe(orderOf(m)[t]!, col);
        continue;
      }
      if (job.given) {
        for (let i = 0; i < n; i++) if (job.given.known[i * D + d]) col[i] = job.given.values[i * D + d]!;
      }
      for (let i = 0; i < n; i++) xs[i * D + d] = col[i]!;
      if (useFast) for (const s of samplers.values()) s.observe(d, col);
    }
  } finally {
    for (const s of samplers.values()) s.dispose();
  }
  return xs;
}
