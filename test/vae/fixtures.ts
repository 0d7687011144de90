// Hand-built FlowIR for the VAE / energy tests (the compiler's lowering is tested elsewhere),
// and independent oracles: autodiff Jacobians per example and float64 determinants.
import * as tf from '@tensorflow/tfjs-core';
import type { Domain, FlowIR, LayerIR, LikelihoodIR, NetIR } from '../../compiler/ir/types.js';
import { Rng } from '../../runtime/rng.js';

const TRAIN = {
  batch: 16,
  optimizer: { kind: 'adam' as const, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  seed: 3,
};

export function layer(
  kind: string,
  D: number,
  i: number,
  args: Record<string, unknown> = {},
  prefix = 'posterior',
): LayerIR {
  const params =
    kind === 'planar'
      ? [
          { name: 'u', shape: [D], init: 'normal(0.1)' },
          { name: 'w', shape: [D], init: 'normal(0.1)' },
          { name: 'b', shape: [1], init: 'zeros' },
        ]
      : kind === 'radial'
        ? [
            { name: 'z0', shape: [D], init: 'normal(0.1)' },
            { name: 'alpha', shape: [1], init: 'zeros' },
            { name: 'beta', shape: [1], init: 'zeros' },
          ]
        : [];
  return {
    kind,
    id: `${prefix}.${i}.${kind}`,
    inShape: [D],
    outShape: [D],
    args:
      kind === 'planar'
        ? { activation: 'tanh', inverse: 'none', ...args }
        : kind === 'radial'
          ? { inverse: 'none', ...args }
          : args,
    params,
    jacobian: '',
    logDet: '',
    directions: { density: 'iterative', sample: 'closed' },
  } as LayerIR; // hand-built fixtures
}

export const mlp = (activation: 'tanh' | 'relu', ...hidden: number[]): NetIR => ({
  kind: 'mlp',
  hidden,
  activation,
  zeroInitLast: false,
});
export const made = (...hidden: number[]): NetIR => ({
  kind: 'made',
  hidden,
  activation: 'tanh',
  masks: [],
  zeroInitLast: false,
});

export function vaeIR(o: {
  D: number;
  Dz: number;
  post: LayerIR[];
  amortized: boolean;
  likelihood?: LikelihoodIR;
  domain?: Domain;
  encoder?: NetIR;
  decoder?: NetIR;
  seed?: number;
}): FlowIR {
  return {
    version: 1,
    model: 'TestVae',
    family: 'vae',
    data: { name: 'x', domain: o.domain ?? { kind: 'real' }, shape: [o.D] },
    latent: { name: 'z', domain: { kind: 'real' }, shape: [o.Dz] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    encoder: o.encoder ?? mlp('tanh', 8),
    decoder: o.decoder ?? mlp('tanh', 8),
    posterior: { amortized: o.amortized, flow: o.post },
    likelihood: o.likelihood ?? { kind: 'gaussian', learnedStd: false },
    train: { ...TRAIN, seed: o.seed ?? 3 },
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
}

export function energyIR(name: string, kind: 'planar' | 'radial', K: number, seed = 5): FlowIR {
  return {
    version: 1,
    model: 'TestEnergy',
    family: 'energy',
    target: { kind: 'energy', name },
    data: { name: 'z', domain: { kind: 'real' }, shape: [2] },
    latent: { name: 'z', domain: { kind: 'real' }, shape: [2] },
    prior: { kind: 'normal', mean: 0, std: 1, learned: false },
    flow: Array.from({ length: K }, (_, i) => layer(kind, 2, i, {}, 'flow')),
    train: { ...TRAIN, batch: 256, seed },
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
}

/** log|det| of a square matrix (float64 Gaussian elimination with partial pivoting) */
export function logAbsDet(J: number[][]): number {
  const n = J.length;
  const A = J.map((r) => Float64Array.from(r));
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i]![k]!) > Math.abs(A[p]![k]!)) p = i;
    [A[k], A[p]] = [A[p]!, A[k]!];
    const d = A[k]![k]!;
    s += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = A[i]![k]! / d;
      for (let j = k; j < n; j++) A[i]![j]! -= f * A[k]![j]!;
    }
  }
  return s;
}

/**
 * Per-example Jacobians of a row-wise map f: [N, D] → [N, D] (row n of the output depends only
 * on row n of the input) by autodiff: J[n][j][i] = ∂f(z)[n, j] / ∂z[n, i].
 */
export function rowJacobians(f: (z: tf.Tensor2D) => tf.Tensor2D, z: tf.Tensor2D): number[][][] {
  const [N, D] = z.shape;
  const J: number[][][] = Array.from({ length: N }, () =>
    Array.from({ length: D }, () => new Array<number>(D).fill(0)),
  );
  for (let j = 0; j < D; j++) {
    const g = tf.tidy(() => tf.grad((zz: tf.Tensor) => tf.sum(tf.slice(f(zz as tf.Tensor2D), [0, j], [N, 1])))(z));
    const v = g.dataSync();
    for (let n = 0; n < N; n++) for (let i = 0; i < D; i++) J[n]![j]![i] = v[n * D + i]!;
    g.dispose();
  }
  return J;
}

/** central finite-difference per-example Jacobians (float32 forward passes) */
export function fdJacobians(
  f: (z: tf.Tensor2D) => tf.Tensor2D,
  z: Float32Array,
  N: number,
  D: number,
  h = 1e-2,
): number[][][] {
  const J: number[][][] = Array.from({ length: N }, () =>
    Array.from({ length: D }, () => new Array<number>(D).fill(0)),
  );
  for (let i = 0; i < D; i++) {
    const plus = Float32Array.from(z),
      minus = Float32Array.from(z);
    for (let n = 0; n < N; n++) {
      plus[n * D + i]! += h;
      minus[n * D + i]! -= h;
    }
    const [a, b] = [plus, minus].map((v) => tf.tidy(() => f(tf.tensor2d(v, [N, D])).dataSync()));
    for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) J[n]![j]![i] = (a![n * D + j]! - b![n * D + j]!) / (2 * h);
  }
  return J;
}

export function randn(shape: number[], seed: number, std = 1): tf.Tensor {
  return new Rng(seed).normalTensor(shape, 0, std);
}

/** adds N(0, scale²) noise to every trainable variable */
export function perturb(vars: tf.Variable[], scale: number, seed = 7): void {
  const rng = new Rng(seed);
  for (const v of vars) tf.tidy(() => v.assign(tf.add(v, rng.normalTensor(v.shape, 0, scale))));
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

export function stderr(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return Math.sqrt(s / (a.length - 1) / a.length);
}
