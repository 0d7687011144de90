// A flow whose first layer is the categorical encoding, dequantize(categorical) (Lippe & Gavves 2021):
// one draw z ~ q(z|x) gives the bound log p(x|z) + log p_flow(z) − log q(z|x) ≤ log P(x), which training
// maximizes (loss = −bound, the slide's objective). logProb is the importance-weighted estimate
// log (1/S) Σ_s exp(bound_s) over S independent draws (Burda et al. 2016; S = iwSamples), which tightens
// towards log P(x) as S grows; elbo(x, n) is the bound averaged over n draws, as for VAEs, so `flowc eval`
// reports both. sample() decodes the flow's output by argmax of p(x|z) or by drawing from it.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../compiler/ir/types.js';
import { FlowModelImpl, type FlowModelOptions } from './flow-model.js';
import type { SampleOptions } from './model.js';
import { CategoricalDequantize } from './bijectors/dequantize-categorical.js';

/** does this flow start with dequantize(categorical)? */
export function isCategoricalFlow(ir: FlowIR): boolean {
  const first = ir.flow?.[0];
  return ir.family === 'flow' && first?.kind === 'dequantize' && first.args.type === 'categorical';
}

export class CategoricalFlowModel extends FlowModelImpl {
  /** draws of the importance-weighted estimate that logProb returns */
  iwSamples = 100;
  /** rows per pass of the estimate (examples × draws) */
  iwChunk = 4096;
  readonly encoder: CategoricalDequantize;

  constructor(ir: FlowIR, opts: FlowModelOptions & { iwSamples?: number; iwChunk?: number } = {}) {
    super(ir, opts);
    this.encoder = this.bijectors[0] as CategoricalDequantize;
    this.iwSamples = opts.iwSamples ?? this.iwSamples;
    this.iwChunk = opts.iwChunk ?? this.iwChunk;
  }

  /** the bound of one draw z ~ q(z|x) per example */
  bound(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return super.logProb(x, ctx);
  }

  override loss(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.neg(this.bound(x, ctx)) as tf.Tensor1D);
  }

  /** the bound per example, averaged over `samples` draws */
  elbo(x: tf.Tensor, samples = 1, ctx?: tf.Tensor): tf.Tensor1D {
    if (samples <= 1) return this.bound(x, ctx);
    return tf.tidy(() => tf.mean(this.logWeights(x, samples, ctx), 0) as tf.Tensor1D);
  }

  /** bounds [S, N] of S independent draws per example, in chunks of iwChunk rows */
  private logWeights(x: tf.Tensor, S: number, ctx?: tf.Tensor): tf.Tensor2D {
    const N = x.shape[0];
    const per = Math.max(1, Math.min(S, Math.floor(this.iwChunk / Math.max(1, N))));
    const parts: tf.Tensor[] = [];
    for (let done = 0; done < S; done += per) {
      const m = Math.min(per, S - done);
      parts.push(
        tf.tidy(() => {
          const tile = (t: tf.Tensor) => tf.tile(t, [m, ...t.shape.slice(1).map(() => 1)]);
          return tf.reshape(this.bound(tile(x), ctx && tile(ctx)), [m, N]);
        }),
      );
    }
    const out = (parts.length === 1 ? parts[0]! : tf.concat(parts, 0)) as tf.Tensor2D;
    if (parts.length > 1) for (const p of parts) p.dispose();
    return out;
  }

  /** importance-weighted estimate of log P(x) with S draws [N] (S = 1 gives the bound) */
  iwLogProb(x: tf.Tensor, S = this.iwSamples, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const lw = this.logWeights(x, Math.max(1, Math.floor(S)), ctx);
      return tf.sub(tf.logSumExp(lw, 0), Math.log(lw.shape[0])) as tf.Tensor1D;
    });
  }

  override logProb(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return this.iwLogProb(x, this.iwSamples, ctx);
  }

  /** the fraction of categories that argmax p(x|z) recovers from one draw z ~ q(z|x) ("no loss of information") */
  reconstructionAccuracy(x: tf.Tensor): number {
    const t = tf.tidy(() => {
      const xf = tf.cast(x.rank === 4 ? tf.transpose(x, [0, 2, 3, 1]) : x, 'float32');
      const { z } = this.encoder.encode(xf);
      const hat = tf.argMax(this.encoder.logPosterior(z), 1);
      return tf.mean(tf.cast(tf.equal(hat, tf.cast(tf.reshape(xf, [-1]), 'int32')), 'float32'));
    });
    const v = t.dataSync()[0]!;
    t.dispose();
    return v;
  }

  override sample(n: number, opts: SampleOptions = {}): tf.Tensor {
    this.encoder.decode = opts.decode ?? 'argmax';
    try {
      return super.sample(n, opts);
    } finally {
      this.encoder.decode = 'argmax';
    }
  }
}

/**
 * The decoder's reconstruction accuracy on the first `rows` rows of `x` (flat, data layout), for models that
 * have one; the model's generator is restored afterwards, so training draws the same noise as without it.
 */
export function heldOutAccuracy(
  model: { reconstructionAccuracy?(x: tf.Tensor): number; rng?: { getState(): unknown; setState(s: unknown): void } },
  shape: number[],
  x: Float32Array,
  n: number,
  rows = 512,
): number | undefined {
  if (!model.reconstructionAccuracy || n === 0) return undefined;
  const m = Math.min(rows, n);
  const D = shape.reduce((a, b) => a * b, 1);
  const state = model.rng?.getState();
  const t = tf.tensor(x.subarray(0, m * D), [m, ...shape], 'float32');
  try {
    return model.reconstructionAccuracy(t);
  } finally {
    t.dispose();
    if (state !== undefined) model.rng!.setState(state);
  }
}
