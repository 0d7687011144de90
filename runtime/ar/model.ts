// The autoregressive FlowModel: log p(x) = Σ_t log p(x_{o_t} | x_{o_<t}) exactly (nats), with
// the conditional's parameters computed in one pass (teacher forcing); ensembles are averaged
// in probability. An order/connectivity-agnostic MADE trains one random member per minibatch (loss)
// and averages `evalMembers` of them in logProb (the spec's `ensemble`, or `flowc eval --eval-ensemble`).
// Sampling, naive sampling and completion share one loop (sampling.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../../compiler/ir/types.js';
import type { FlowModel, SampleOptions } from '../model.js';
import type { Likelihood } from '../likelihoods.js';
import { prod, type ArConditional } from './common.js';
import { Rng } from '../rng.js';
import { runSampling, type SampleMode } from './sampling.js';

export interface CompleteOptions extends SampleOptions {
  /** use the incremental sampler (default true) */
  fast?: boolean;
}

export class ArModel implements FlowModel {
  readonly D: number;
  readonly order: number[];
  private disposed = false;
  /** members averaged by logProb: all of a jointly trained ensemble; the spec's `ensemble` of an agnostic one */
  private evalCount: number;
  private readonly memberRng: Rng;

  constructor(
    readonly ir: FlowIR,
    readonly conditional: ArConditional,
    readonly likelihood: Likelihood,
  ) {
    this.D = prod(ir.data.shape);
    this.order = ir.order ?? Array.from({ length: this.D }, (_, i) => i);
    const spec = ir.conditional?.kind === 'made' ? ir.conditional.ensemble : 1;
    this.evalCount = conditional.agnostic ? Math.min(Math.max(1, spec), conditional.members) : conditional.members;
    this.memberRng = new Rng((ir.train?.seed ?? 0) + 104729);
  }

  /** how many mask sets logProb averages (order/connectivity-agnostic MADE only; others have one fixed answer) */
  get evalMembers(): number {
    return this.evalCount;
  }

  /** average the first n of the trained mask sets at evaluation (1 ≤ n ≤ members) */
  setEvalMembers(n: number): void {
    if (!this.conditional.agnostic) throw new Error('only an order/connectivity-agnostic MADE has mask sets to choose');
    if (!Number.isInteger(n) || n < 1 || n > this.conditional.members) {
      throw new Error(`the model has ${this.conditional.members} trained mask sets; asked to average ${n}`);
    }
    this.evalCount = n;
  }

  get variables(): tf.Variable[] {
    return this.conditional.variables;
  }

  /** log-probability per dimension [N, D] for one ensemble member */
  logProbPerDim(x: tf.Tensor, member = 0, ctx?: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const x2 = tf.reshape(x, [x.shape[0], this.D]) as tf.Tensor2D;
      return this.likelihood.logProb(this.conditional.params(x2, member, ctx), x2);
    });
  }

  logProb(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const M = this.evalCount;
      const per = Array.from({ length: M }, (_, m) => tf.sum(this.logProbPerDim(x, m, ctx), 1));
      if (M === 1) return per[0] as tf.Tensor1D;
      return tf.sub(tf.logSumExp(tf.stack(per, 1), 1), Math.log(M)) as tf.Tensor1D;
    });
  }

  loss(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.neg(this.logProb(x, ctx)) as tf.Tensor1D);
  }

  trainLoss(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    if (this.conditional.agnostic) {
      // one order/connectivity per minibatch, drawn uniformly from the S·C trained
      const m = Math.min(this.conditional.members - 1, Math.floor(this.memberRng.uniform() * this.conditional.members));
      return tf.tidy(() => tf.neg(tf.sum(this.logProbPerDim(x, m, ctx), 1)) as tf.Tensor1D);
    }
    return tf.tidy(() => tf.neg(this.logProb(x, ctx)) as tf.Tensor1D);
  }

  /** −log p(x) / (D ln 2) per example */
  bitsPerDim(x: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.div(tf.neg(this.logProb(x)), this.D * Math.LN2) as tf.Tensor1D);
  }

  private run(
    n: number,
    opts: SampleOptions | undefined,
    mode: SampleMode,
    given?: { values: Float32Array; known: Uint8Array },
  ): tf.Tensor {
    const xs = runSampling(
      this.conditional,
      this.likelihood,
      {
        n,
        D: this.D,
        order: this.order,
        ...(this.conditional.orders ? { orders: this.conditional.orders } : {}),
        ...(this.conditional.agnostic ? { members: this.evalCount } : {}),
        temperature: opts?.temperature ?? 1,
        seed: opts?.seed ?? this.ir.train?.seed ?? 0,
        given,
        ...(opts?.context ? { context: opts.context } : {}),
      },
      mode,
    );
    return tf.tensor(xs, [n, ...this.ir.data.shape], 'float32');
  }

  /** n samples, incremental where the conditional allows (same draws as sampleNaive) */
  sample(n: number, opts?: SampleOptions): tf.Tensor {
    return this.run(n, opts, 'fast');
  }

  /** n samples with one full network pass per dimension */
  sampleNaive(n: number, opts?: SampleOptions): tf.Tensor {
    return this.run(n, opts, 'naive');
  }

  /**
   * Completes x (data shape with batch axis): dimensions where knownMask is 1 keep x's value, the
   * others are drawn from p(x_d | x_<d) in the declared order. knownMask has x's shape or the
   * data shape (shared by every example).
   */
  complete(x: tf.Tensor, knownMask: tf.Tensor, opts?: CompleteOptions): tf.Tensor {
    const n = x.shape[0];
    const values = Float32Array.from(x.dataSync());
    const km = knownMask.dataSync();
    const known = new Uint8Array(n * this.D);
    const shared = km.length === this.D;
    if (!shared && km.length !== n * this.D) {
      throw new Error(`complete: knownMask has ${km.length} entries, expected ${this.D} or ${n * this.D}`);
    }
    for (let i = 0; i < n * this.D; i++) known[i] = km[shared ? i % this.D : i] ? 1 : 0;
    return this.run(n, opts, opts?.fast === false ? 'naive' : 'fast', { values, known });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.conditional.variables.forEach((v) => v.dispose());
    this.conditional.disposeConstants?.();
  }
}
