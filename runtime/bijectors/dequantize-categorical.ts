// Categorical encoding (Lippe & Gavves 2021), `dequantize(categorical, dim: d, k: m, context)` on
// categorical(K) data. Density direction: each element xᵢ ∈ 0..K−1 is encoded as zᵢ ∈ ℝᵈ drawn from
// q(zᵢ|xᵢ) = ∏_j Σ_c π_{xᵢ,j,c} Logistic(z_j; μ_{xᵢ,j,c}, s_{xᵢ,j,c}) (m = 1: z = μ + s·logit(u); m > 1: the
// inverse CDF in float64, compiler/math/logistic-mixture.ts, plus one Newton step in the graph for the implicit
// gradient). The decoder is Bayes' rule over the K context-free components with learned log-priors:
// log p(xᵢ|zᵢ) = log q(zᵢ|xᵢ) + log π(xᵢ) − logsumexp_c [log q(zᵢ|c) + log π(c)]. The layer's log-det is
// Σᵢ [log p(xᵢ|zᵢ) − log q(zᵢ|·)], so logProb is the bound E_q[log p(x|z) + log p(z) − log q(z|x)] ≤ log P(x).
// With `context`, a zero-initialised net of the one-hot x shifts each element's μ and log s (q(zᵢ|x)).
// Layout: internal [..., C] → [..., C·d], element e's coordinates at e·d + j. Parameters: registry/categorical.ts.
// Inverse (sampling): x = argmax_c p(c|z) (`decode = 'argmax'`, Lippe's choice) or a draw from p(·|z).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf, NetIR } from '../../compiler/ir/types.js';
import { CATEGORICAL_CTX_MLP, CATEGORICAL_CTX_RESNET } from '../../compiler/registry/categorical.js';
import { mixtureInverseCdf, mixturePdf } from '../../compiler/math/logistic-mixture.js';
import { buildNet, type Net } from '../nets/index.js';
import type { Rng } from '../rng.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  logSigmoid,
  paramInit,
  sizeOf,
} from './types.js';

export type DecodeMode = 'argmax' | 'sample';

/** log Logistic(z; μ, e^{ls}) elementwise */
function logLogistic(z: tf.Tensor, mu: tf.Tensor, ls: tf.Tensor): tf.Tensor {
  const t = tf.mul(tf.sub(z, mu), tf.exp(tf.neg(ls)));
  return tf.sub(tf.add(logSigmoid(t), logSigmoid(tf.neg(t))), ls);
}

export class CategoricalDequantize implements Bijector {
  readonly kind = 'dequantize';
  readonly id: string;
  readonly K: number;
  readonly d: number;
  readonly m: number;
  /** elements per example (D, or C·H·W) */
  readonly E: number;
  /** how `inverse` decodes z into categories */
  decode: DecodeMode = 'argmax';
  private readonly shape: number[];
  private readonly rng: Rng;
  private readonly mu: tf.Variable;
  private readonly logScale: tf.Variable;
  private readonly logits: tf.Variable | null = null;
  private readonly priorLogits: tf.Variable;
  private readonly ctxNet: Net | null = null;

  constructor(layer: LayerIROf<'dequantize'>, ctx: BuildContext) {
    this.id = layer.id;
    const a = layer.args;
    this.K = a.K;
    this.d = a.dim ?? 4;
    this.m = a.k ?? 1;
    this.shape = internalShape(layer.inShape);
    this.E = sizeOf(this.shape);
    this.rng = ctx.rng;
    const dm = this.d * this.m;
    const p = (name: string, shape: number[], init: string) =>
      ctx.store.create(`${this.id}.${name}`, shape, paramInit(layer, name, init));
    this.mu = p('enc.mu', [this.K, dm], 'normal(1)');
    this.logScale = p('enc.log_scale', [this.K, dm], 'const(-2)');
    if (this.m > 1) this.logits = p('enc.logits', [this.K, dm], 'zeros');
    this.priorLogits = p('prior_logits', [this.K], 'zeros');
    if (a.context) {
      const C = this.shape[this.shape.length - 1];
      const img = this.shape.length === 3;
      const R = CATEGORICAL_CTX_RESNET;
      const M = CATEGORICAL_CTX_MLP;
      const net: NetIR = img
        ? { kind: 'resnet', blocks: R.blocks, channels: R.channels, kernel: R.kernel, zeroInitLast: R.zeroInitLast }
        : { kind: 'mlp', hidden: [...M.hidden], activation: M.activation as 'relu', zeroInitLast: M.zeroInitLast };
      const inS = [...this.shape.slice(0, -1), C * this.K];
      const outS = [...this.shape.slice(0, -1), 2 * C * this.d];
      this.ctxNet = buildNet(ctx.store, `${this.id}.ctx`, net, inS, outS);
    }
  }

  /** per-category log mixture weights [K, d, m] (zeros when m = 1) */
  private logWeights(): tf.Tensor {
    if (!this.logits) return tf.zeros([this.K, this.d, 1]);
    return tf.logSoftmax(tf.reshape(this.logits, [this.K, this.d, this.m]), 2);
  }

  /** log q(z|c) for every category c, context-free: z [R, d] → [R, K] */
  logQAll(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const R = z.shape[0];
      const zz = tf.reshape(z, [R, 1, this.d, 1]);
      const mu = tf.reshape(this.mu, [1, this.K, this.d, this.m]);
      const ls = tf.reshape(this.logScale, [1, this.K, this.d, this.m]);
      const lw = tf.reshape(this.logWeights(), [1, this.K, this.d, this.m]);
      return tf.sum(tf.logSumExp(tf.add(lw, logLogistic(zz, mu, ls)), 3), 2);
    });
  }

  /** log p(c|z) for every category: [R, d] → [R, K] */
  logPosterior(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.logSoftmax(tf.add(this.logQAll(z), tf.logSoftmax(this.priorLogits))));
  }

  /** the element-wise components of x's categories [R, d, m] (μ, log s shifted by the context net), R = N·E */
  private components(x: tf.Tensor, idx: tf.Tensor1D): { mu: tf.Tensor; ls: tf.Tensor; lw: tf.Tensor } {
    const R = idx.shape[0];
    let mu = tf.reshape(tf.gather(this.mu, idx), [R, this.d, this.m]);
    let ls = tf.reshape(tf.gather(this.logScale, idx), [R, this.d, this.m]);
    const table = tf.reshape(this.logWeights(), [this.K, this.d * this.m]);
    const lw = tf.reshape(tf.gather(table, idx), [R, this.d, this.m]);
    if (this.ctxNet) {
      const hot = tf.cast(tf.oneHot(tf.cast(x, 'int32'), this.K), 'float32');
      const C = this.shape[this.shape.length - 1];
      const inp = tf.reshape(hot, [x.shape[0], ...this.shape.slice(0, -1), C * this.K]);
      const out = tf.reshape(this.ctxNet.apply(inp), [R, 2, this.d, 1]);
      const [dmu, dls] = tf.split(out, 2, 1);
      mu = tf.add(mu, tf.reshape(dmu, [R, this.d, 1]));
      ls = tf.add(ls, tf.reshape(dls, [R, this.d, 1]));
    }
    return { mu, ls, lw };
  }

  /** z ~ q(z|x) [R, d], reparameterized */
  private draw(mu: tf.Tensor, ls: tf.Tensor, lw: tf.Tensor): tf.Tensor {
    const R = mu.shape[0];
    const u = this.rng.uniformTensor([R, this.d], 1e-6, 1 - 1e-6);
    if (this.m === 1) {
      const logit = tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
      return tf.add(tf.reshape(mu, [R, this.d]), tf.mul(tf.exp(tf.reshape(ls, [R, this.d])), logit));
    }
    // z₀ = F⁻¹(u) on the host (float64 bisection), then one Newton step in the graph
    const [M, S, W, U] = [mu.dataSync(), tf.exp(ls).dataSync(), tf.exp(lw).dataSync(), u.dataSync()];
    const z0 = new Float32Array(R * this.d);
    const f0 = new Float32Array(R * this.d);
    for (let r = 0; r < R * this.d; r++) {
      const o = r * this.m;
      const row = { w: W.subarray(o, o + this.m), mu: M.subarray(o, o + this.m), s: S.subarray(o, o + this.m) };
      z0[r] = mixtureInverseCdf(row, U[r]!);
      f0[r] = Math.max(mixturePdf(row, z0[r]!), 1e-30);
    }
    // the density at z₀ is a constant of the step: the value stays z₀, the gradient is −(∂F/∂θ)/f
    const z0t = tf.tensor3d(z0, [R, this.d, 1]);
    const F = tf.sum(tf.mul(tf.exp(lw), tf.sigmoid(tf.mul(tf.sub(z0t, mu), tf.exp(tf.neg(ls))))), 2);
    return tf.sub(tf.reshape(z0t, [R, this.d]), tf.div(tf.sub(F, u), tf.tensor2d(f0, [R, this.d])));
  }

  /** z ~ q(z|x), log q(z|x) and log p(x|z), per element: z [R, d], logq [N, E], logp [N, E] */
  encode(x: tf.Tensor): { z: tf.Tensor; logq: tf.Tensor; logp: tf.Tensor } {
    return tf.tidy(() => {
      const N = x.shape[0];
      const idx = tf.reshape(tf.cast(tf.clipByValue(tf.round(x), 0, this.K - 1), 'int32'), [-1]) as tf.Tensor1D;
      const { mu, ls, lw } = this.components(x, idx);
      const z = this.draw(mu, ls, lw);
      const zz = tf.reshape(z, [-1, this.d, 1]);
      const logq = tf.sum(tf.logSumExp(tf.add(lw, logLogistic(zz, mu, ls)), 2), 1);
      const post = this.logPosterior(z);
      const logp = tf.sum(tf.mul(post, tf.oneHot(idx, this.K)), 1);
      return { z, logq: tf.reshape(logq, [N, this.E]), logp: tf.reshape(logp, [N, this.E]) };
    });
  }

  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const N = x.shape[0];
      const { z, logq, logp } = this.encode(x);
      const out = [...this.shape.slice(0, -1), this.shape[this.shape.length - 1] * this.d];
      return { y: tf.reshape(z, [N, ...out]), logDet: tf.sum(tf.sub(logp, logq), 1) as tf.Tensor1D };
    });
  }

  /** categories decoded from y; logDet is −log p(x̂|z) per example (the encoder's density is not evaluated) */
  inverse(y: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const N = y.shape[0];
      const post = this.logPosterior(tf.reshape(y, [-1, this.d]));
      const x = this.decode === 'sample' ? this.sampleCategories(post) : tf.argMax(post, 1);
      const logp = tf.sum(tf.mul(post, tf.oneHot(tf.cast(x, 'int32'), this.K)), 1);
      return {
        x: tf.reshape(tf.cast(x, 'float32'), [N, ...this.shape]),
        logDet: tf.neg(tf.sum(tf.reshape(logp, [N, this.E]), 1)) as tf.Tensor1D,
      };
    });
  }

  /** one category per row of log-probabilities [R, K], by inverse CDF with the layer's generator */
  private sampleCategories(logp: tf.Tensor): tf.Tensor {
    const P = tf.exp(logp).dataSync();
    const R = logp.shape[0];
    const out = new Int32Array(R);
    for (let r = 0; r < R; r++) {
      let u = this.rng.uniform();
      let c = 0;
      for (; c < this.K - 1; c++) {
        u -= P[r * this.K + c]!;
        if (u < 0) break;
      }
      out[r] = c;
    }
    return tf.tensor1d(out, 'int32');
  }
}
