// Tiny FlowIR builders and exact enumeration helpers for the autoregressive tests (cpu backend).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildMadeMasks } from '../../compiler/proofs/made.js';
import type { ConditionalIR, Domain, FlowIR, LikelihoodIR } from '../../compiler/ir/types.js';
import { buildAutoregressive, rasterOrder } from '../../runtime/ar/index.js';
import type { ArModel } from '../../runtime/ar/model.js';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

let counter = 0;

export interface TinySpec {
  domain: Domain;
  shape: number[];
  conditional: ConditionalIR;
  likelihood?: LikelihoodIR;
  order?: number[];
  seed?: number;
}

export function makeIr(s: TinySpec): FlowIR {
  return {
    version: 1,
    model: `ArTest${counter++}`,
    family: 'autoregressive',
    data: { name: 'x', domain: s.domain, shape: s.shape },
    order: s.order,
    conditional: s.conditional,
    likelihood: s.likelihood,
    train: { batch: 8, optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: s.seed ?? 3 },
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
}

export function build(s: TinySpec): ArModel {
  return buildAutoregressive(makeIr(s));
}

export function prodOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** MADE conditional with masks from the compiler's mask builder */
export function made(
  D: number,
  order: number[],
  hidden: number[],
  opts: { seed?: number; ensemble?: number } = {},
): ConditionalIR {
  const masks = buildMadeMasks({
    order,
    hidden,
    connectivity: opts.seed === undefined ? 'sequential' : { random: opts.seed },
  });
  return { kind: 'made', hidden, activation: 'relu', masks, ensemble: opts.ensemble ?? 1 };
}

export function natural(D: number): number[] {
  return Array.from({ length: D }, (_, i) => i);
}

export { rasterOrder };

/** every configuration of D values in 0..K-1, as rows of a Float32Array (first dim slowest) */
export function allConfigs(D: number, K: number): Float32Array {
  const n = K ** D;
  const a = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    let v = r;
    for (let d = D - 1; d >= 0; d--) {
      a[r * D + d] = v % K;
      v = Math.floor(v / K);
    }
  }
  return a;
}

/** log p of every configuration (float64 on the host), in chunks */
export function logProbAll(model: ArModel, K: number, chunk = 8192): Float64Array {
  const D = model.D;
  const xs = allConfigs(D, K);
  const n = xs.length / D;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const lp = tf.tidy(() => model.logProb(tf.tensor(xs.subarray(s * D, (s + m) * D), [m, ...model.ir.data.shape])));
    out.set(lp.dataSync(), s);
    lp.dispose();
  }
  return out;
}

export function totalProb(model: ArModel, K: number): number {
  let t = 0;
  for (const v of logProbAll(model, K)) t += Math.exp(v);
  return t;
}

/** conditional parameters [N, D, P] on the host */
export function paramsHost(model: ArModel, x: Float32Array): Float32Array {
  const n = x.length / model.D;
  const t = tf.tidy(() => model.conditional.params(tf.tensor2d(x, [n, model.D]), 0));
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(v);
}
