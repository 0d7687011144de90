// The planar and radial maps (Rezende & Mohamed 2015), written once: a layer acts on z [N, D] with
// raw parameters [N, P], one row per example (the amortized VAE posterior: the encoder emits them,
// Fig. 2) or one row broadcast to all (the Planar and Radial bijectors). The invertibility
// reparameterizations:
//   planar: raw = [u (D), w (D), b (1)],   û = u + (m(wᵀu) − wᵀu)·w/‖w‖²,  m(a) = −1 + softplus(a)
//           so wᵀû = m(wᵀu) ≥ −1;  f(z) = z + û·h(wᵀz + b),  log|det ∂f/∂z| = log|1 + h′(wᵀz + b)·wᵀû|
//   radial: raw = [z0 (D), α̂ (1), β̂ (1)],  α = softplus(α̂) ≥ 0,  β = −α + softplus(β̂) ≥ −α;
//           f(z) = z + β·h(α, r)·(z − z0),  h = 1/(α + r),  r = ‖z − z0‖,
//           log|det| = (D−1)·log(1 + βh) + log(1 + βh + βh′r) = (D−1)·log(1 + βh) + log(1 + αβh²).
// All functions are pure tensor maps (callers run them inside tf.tidy).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../compiler/ir/types.js';
import { activate, activateGrad } from '../nets/activations.js';

export type PlanarActivation = LayerArgs['planar']['activation'];

/** raw parameters per example of an amortized layer on a D-dimensional latent */
export function amortizedSize(kind: string, D: number): number {
  if (kind === 'planar') return 2 * D + 1;
  if (kind === 'radial') return D + 2;
  return 0;
}

const h = (x: tf.Tensor, a: PlanarActivation): tf.Tensor => activate(x, a);
const dh = (x: tf.Tensor, a: PlanarActivation): tf.Tensor => activateGrad(x, a);

export type PlanarParams = {
  uHat: tf.Tensor2D;
  w: tf.Tensor2D;
  b: tf.Tensor1D;
  /** wᵀû per example */
  wu: tf.Tensor1D;
};

/** the constrained per-example planar parameters from raw encoder outputs [N, 2D+1] */
export function planarParams(raw: tf.Tensor2D, D: number): PlanarParams {
  const N = raw.shape[0];
  const u = tf.slice(raw, [0, 0], [N, D]);
  const w = tf.slice(raw, [0, D], [N, D]) as tf.Tensor2D;
  const b = tf.reshape(tf.slice(raw, [0, 2 * D], [N, 1]), [N]) as tf.Tensor1D;
  const wu = tf.sum(tf.mul(w, u), 1);
  const m = tf.sub(tf.softplus(wu), 1);
  // ‖w‖² is floored at 1e-12 only to keep w = 0 finite (then û = u and wᵀû = 0 ≥ −1)
  const w2 = tf.maximum(tf.sum(tf.square(w), 1), 1e-12);
  // û = u⊥ + m·w/‖w‖² with u⊥ = u − (wᵀu)w/‖w‖² (the same û); u⊥ gets a second Gram–Schmidt pass
  // so that float32 cancellation (|wᵀu| ≫ 1) cannot push wᵀû below −1
  const proj = (v: tf.Tensor) => tf.mul(tf.expandDims(tf.div(tf.sum(tf.mul(w, v), 1), w2), 1), w);
  const u1 = tf.sub(u, proj(u));
  const uPerp = tf.sub(u1, proj(u1));
  const uHat = tf.add(uPerp, tf.mul(tf.expandDims(tf.div(m, w2), 1), w)) as tf.Tensor2D;
  return { uHat, w, b, wu: tf.sum(tf.mul(w, uHat), 1) as tf.Tensor1D };
}

/** z_k = f(z_{k−1}) with per-example planar parameters; logDet = log|det ∂f/∂z_{k−1}| [N] */
export function planarStep(
  z: tf.Tensor2D,
  raw: tf.Tensor2D,
  act: PlanarActivation,
): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
  const D = z.shape[1];
  const { uHat, w, b, wu } = planarParams(raw, D);
  const pre = tf.add(tf.sum(tf.mul(z, w), 1), b);
  const out = tf.add(z, tf.mul(uHat, tf.expandDims(h(pre, act), 1))) as tf.Tensor2D;
  return { z: out, logDet: planarLogDet(pre, wu, act) };
}

/** log|1 + h′(pre)·wᵀû| (ε = 1e-8 inside the log) */
export function planarLogDet(pre: tf.Tensor, wu: tf.Tensor, act: PlanarActivation): tf.Tensor1D {
  return tf.log(tf.add(tf.abs(tf.add(1, tf.mul(dh(pre, act), wu))), 1e-8)) as tf.Tensor1D;
}

export type RadialParams = { z0: tf.Tensor2D; alpha: tf.Tensor1D; beta: tf.Tensor1D };

/** the constrained per-example radial parameters from raw encoder outputs [N, D+2] */
export function radialParams(raw: tf.Tensor2D, D: number): RadialParams {
  const N = raw.shape[0];
  const z0 = tf.slice(raw, [0, 0], [N, D]) as tf.Tensor2D;
  const alpha = tf.softplus(tf.reshape(tf.slice(raw, [0, D], [N, 1]), [N])) as tf.Tensor1D;
  const beta = tf.add(tf.neg(alpha), tf.softplus(tf.reshape(tf.slice(raw, [0, D + 1], [N, 1]), [N]))) as tf.Tensor1D;
  return { z0, alpha, beta };
}

/** z_k = f(z_{k−1}) with per-example radial parameters; logDet = log|det ∂f/∂z_{k−1}| [N] */
export function radialStep(z: tf.Tensor2D, raw: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
  const D = z.shape[1];
  const { z0, alpha, beta } = radialParams(raw, D);
  const d = tf.sub(z, z0);
  const r = tf.sqrt(tf.sum(tf.square(d), 1));
  const bh = tf.div(beta, tf.add(alpha, r));
  const out = tf.add(z, tf.mul(tf.expandDims(bh, 1), d)) as tf.Tensor2D;
  return { z: out, logDet: radialLogDet(r, alpha, beta, D) };
}

/** (D−1)·log(1 + βh) + log(1 + αβh²), h = 1/(α + r) */
export function radialLogDet(r: tf.Tensor, alpha: tf.Tensor, beta: tf.Tensor, D: number): tf.Tensor1D {
  const hr = tf.div(1, tf.add(alpha, r));
  const bh = tf.mul(beta, hr);
  return tf.add(tf.mul(D - 1, tf.log1p(bh)), tf.log1p(tf.mul(tf.mul(alpha, beta), tf.square(hr)))) as tf.Tensor1D;
}

/** one row of raw parameters [1, P] from a layer's variables */
export const rawRow = (parts: tf.Tensor[]): tf.Tensor2D =>
  tf.reshape(tf.concat(parts.map((p) => tf.reshape(p, [-1]))), [1, -1]);
