// The runtime model contract shared by every family (flows, autoregressive models, VAEs).
// Built from FlowIR by runtime/build.ts; used by the trainer, the CLI and the benchmarks.
import type * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../compiler/ir/types.js';

export interface SampleOptions {
  temperature?: number;
  seed?: number;
  /** conditioned flows: the context for the n samples, [n, k] or [n, H, W, k] (NHWC) */
  context?: tf.Tensor;
  /** categorical flows: decode the flow's output by argmax of p(x|z) (default) or by drawing from it */
  decode?: 'argmax' | 'sample';
}

export interface FlowModel {
  readonly ir: FlowIR;
  /**
   * Per-example log-probability in nats, shape [batch]. Input x has the data shape with a
   * leading batch axis, channels-first as declared ([N, D] or [N, C, H, W]); discrete data
   * as integer values 0..K-1 (float32 tensor). For dequantized models this is the
   * dequantization lower bound on log P(x) for the discrete x. `ctx`: the conditioning context of a
   * conditioned flow (FlowModelOptions.contextShape); unconditioned models ignore it.
   */
  logProb(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D;
  /** n samples in data space, same layout as logProb's input */
  sample(n: number, opts?: SampleOptions): tf.Tensor;
  /** flows only: data → latent, with log|det ∂z/∂x| per example */
  forward?(x: tf.Tensor, ctx?: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor1D };
  /** flows only: latent → data, with log|det ∂x/∂z| per example */
  inverse?(z: tf.Tensor, ctx?: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor1D };
  /** all trainable variables, with stable names (used by checkpoints) */
  readonly variables: tf.Variable[];
  /** the training objective per example (nats): -logProb, or -ELBO for a VAE */
  loss?(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D;
  /**
   * The objective of one training minibatch when it is not `loss` (which held-out evaluation uses): an
   * order/connectivity-agnostic MADE trains one random mask set per minibatch. Absent → `loss`.
   */
  trainLoss?(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D;
  /**
   * VAEs only: the ELBO per example in nats (one reparameterized draw, or the mean of `samples`
   * draws). For a VAE, logProb is the k-sample importance-weighted estimate of log p(x) and
   * loss is −ELBO. (Optional; added for `flowc eval` of VAEs.)
   */
  elbo?(x: tf.Tensor, samples?: number, ctx?: tf.Tensor): tf.Tensor1D;
  /**
   * The generator behind this model's random draws (dequantization noise, sampling), if any:
   * checkpoints save and restore its state so a resumed run repeats the same draws.
   * (Optional; added for the trainer/checkpoints.)
   */
  readonly rng?: { getState(): unknown; setState(state: unknown): void };
  /**
   * Flows only: the density direction layer by layer, each layer's output and log-det
   * (used to name the first layer that goes non-finite). (Optional; added for the trainer.)
   */
  trace?(x: tf.Tensor): { id: string; kind: string; output: tf.Tensor; logDet: tf.Tensor1D }[];
  /**
   * Categorical flows only: the fraction of categories recovered by the decoder's argmax from one draw
   * z ~ q(z|x) (the trainer logs it at each held-out evaluation). (Optional; added for categorical encodings.)
   */
  reconstructionAccuracy?(x: tf.Tensor): number;
  /** release every variable */
  dispose(): void;
}
