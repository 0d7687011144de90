// Shared pieces of the autoregressive runtime: the conditional contract, parameter creation,
// input encoding and activations (tfjs and host versions that agree elementwise).
import * as tf from '@tensorflow/tfjs-core';
import type { Domain, FlowIR } from '../../compiler/ir/types.js';
import { Rng } from '../rng.js';
import { type ActivationName, activationName, scalarActivation } from '../../compiler/math/activations.js';
import { activate } from '../nets/activations.js';

/** Host-side incremental sampler: gives the parameters of one dimension, then learns its value. */
export interface FastSampler {
  /** parameters of data dimension d for every example: n·P floats, example-major */
  paramsAt(d: number): Float32Array;
  /** the raw values (not encoded) just drawn for dimension d, one per example */
  observe(d: number, values: Float32Array): void;
  dispose(): void;
}

/** A network that maps x to P likelihood parameters per dimension, autoregressively in `order`. */
export interface ArConditional {
  /** ensemble members (MADE mask ensembles); 1 otherwise */
  readonly members: number;
  /** each member's order (order/connectivity-agnostic MADE); absent → the model's order for every member */
  readonly orders?: number[][];
  /** members are alternatives trained one per minibatch (Germain et al. §3.3–3.4), not one mixture */
  readonly agnostic?: boolean;
  readonly variables: tf.Variable[];
  /** raw x [N, D] (flattened channels-first) → parameters [N, D, P] of member m; ctx [N, k] for p(x|y) */
  params(x: tf.Tensor2D, member: number, ctx?: tf.Tensor): tf.Tensor3D;
  /** an incremental sampler that must reproduce params() exactly; absent → naive passes */
  fastSampler?(n: number, member: number, ctx?: tf.Tensor): FastSampler;
  /** release constant tensors (masks); variables are released by the model */
  disposeConstants?(): void;
}

export interface BuildContext {
  ir: FlowIR;
  /** parameters per dimension of the likelihood */
  P: number;
  D: number;
  rng: Rng;
  prefix: string;
}

/** A trainable variable with a stable name (suffixed if that name is already registered). */
export function makeVariable(name: string, value: tf.Tensor): tf.Variable {
  const reg = tf.engine().registeredVariables;
  let full = name;
  for (let i = 1; reg[full] !== undefined; i++) full = `${name}~${i}`;
  const v = tf.variable(value, true, full);
  value.dispose();
  return v;
}

/** U(±1/√fanIn) (PyTorch's default for weights and biases), drawn from the model's Rng */
export function uniformFanIn(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  const b = 1 / Math.sqrt(Math.max(fanIn, 1));
  return rng.uniformTensor(shape, -b, b);
}

/** Input encoding fed to the networks: binary and real as is, discrete/categorical v ↦ v/(K−1). */
export function inputScale(domain: Domain): number {
  if (domain.kind === 'discrete' || domain.kind === 'categorical') return domain.K > 1 ? domain.K - 1 : 1;
  return 1;
}

export function encode(x: tf.Tensor, domain: Domain): tf.Tensor {
  const s = inputScale(domain);
  return s === 1 ? x.clone() : tf.div(x, s);
}

/** the same encoding on the host (float32 rounding as tf.div) */
export function encodeValue(v: number, scale: number): number {
  return scale === 1 ? v : Math.fround(v / scale);
}

export type ActName = ActivationName | 'none';

/** the activation of an AR layer: a known name, else none */
export function normAct(a: string | undefined): ActName {
  const n = activationName(a);
  return n && n !== 'linear' ? n : 'none';
}

export const act = (x: tf.Tensor, a: ActName): tf.Tensor => activate(x, a);

/** Host version of `act` for incremental samplers (the same scalar definitions). */
export function actHost(a: ActName): (v: number) => number {
  return scalarActivation(a).f;
}

export function prod(a: readonly number[]): number {
  return a.reduce((x, y) => x * y, 1);
}

// The cpu backend slices a non-contiguous block element by element (slow, allocation-heavy);
// these two helpers give the same values through fast kernels there, and plain ops elsewhere.

/** splits the last axis into equal parts (exact copies: a matMul with a 0/1 selector on cpu) */
export function splitLast(t: tf.Tensor, parts: number): tf.Tensor[] {
  const F = t.shape[t.shape.length - 1]!;
  if (tf.getBackend() !== 'cpu') return tf.split(t, parts, t.rank - 1);
  const f = F / parts;
  const flat = tf.reshape(t, [-1, F]) as tf.Tensor2D;
  return Array.from({ length: parts }, (_, p) => {
    const sel = new Float32Array(F * f);
    for (let i = 0; i < f; i++) sel[(p * f + i) * f + i] = 1;
    return tf.reshape(tf.matMul(flat, tf.tensor2d(sel, [F, f])), [...t.shape.slice(0, -1), f]);
  });
}

/** the H rows of an NHWC tensor, each [N, 1, W, F] */
export function rowsOf(t: tf.Tensor4D): tf.Tensor4D[] {
  const [N, , W, F] = t.shape;
  const rows = tf.getBackend() === 'cpu' ? tf.unstack(tf.transpose(t, [1, 0, 2, 3])) : tf.unstack(t, 1);
  return rows.map((r) => tf.reshape(r, [N, 1, W, F]) as tf.Tensor4D);
}

/** shift an NHWC tensor down one row (row 0 becomes zeros) */
export function shiftDown(t: tf.Tensor4D): tf.Tensor4D {
  const [N, H, W, F] = t.shape;
  const rows = rowsOf(t);
  return tf.concat([tf.zeros([N, 1, W, F]), ...rows.slice(0, H - 1)], 1) as tf.Tensor4D;
}
