// A VAE with a normalizing-flow posterior (Rezende & Mohamed 2015, Algorithm 1).
//   encoder(x) = [μ, log σ, amortized flow parameters];  z_0 = μ + σ·ε, ε ~ N(0, I)
//   z_K = f_K ∘ … ∘ f_1(z_0)  (runtime/vae/posterior.ts)
//   free energy (one reparameterized sample), as in the lecture:
//     F(x) = log q_0(z_0|x) − Σ_k log|det ∂f_k/∂z_{k−1}| − log p(x|z_K) − log p(z_K)  =  −ELBO
//   importance-weighted estimate with k samples (Burda et al. 2016):
//     log p(x) ≈ log (1/k) Σ_i exp(log p(x, z_K^i) − log q_K(z_K^i|x)),  log q_K = log q_0 − Σ log|det|
// The data are flattened to [N, D] (channels-first order, as FlowIR declares them).
// A conditional VAE (`condition y`, Kingma et al. 2014 / Sohn et al. 2015): the encoder q(z|x,y) reads [x ‖ c] and the
// decoder p(x|z,y) reads [z ‖ c], c the context (runtime/condition.ts: one-hot y, or the real vector); the prior p(z)
// stays unconditional, so every bound above is on log p(x|y). With an amortized posterior whose IAF/MAF/coupling steps
// take it, the encoder also emits a context h, an extra input of each step's conditioner (Kingma et al. 2016).
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../../compiler/ir/types.js';
import type { FlowModel, SampleOptions } from '../model.js';
import { ParamStore } from '../nets/params.js';
import { buildNet, type Net } from '../nets/index.js';
import { Rng } from '../rng.js';
import { buildPrior, type Prior } from '../priors.js';
import { buildLikelihood, type Likelihood } from '../likelihoods.js';
import { buildBijector } from '../bijectors/index.js';
import type { BuildContext } from '../bijectors/types.js';
import { buildPosterior, runPosterior, type PostStep } from './posterior.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface VaeOptions {
  /** samples of the importance-weighted estimate that logProb returns (default 100) */
  iwSamples?: number;
  /** rows per pass of the importance-weighted estimate (examples × samples), default 4096 */
  iwChunk?: number;
}

/** one pass of the inference network and posterior flow for a batch */
export interface PosteriorDraw {
  z0: tf.Tensor2D;
  zK: tf.Tensor2D;
  /** log q_0(z_0|x) [N] */
  logQ0: tf.Tensor1D;
  /** Σ_k log|det ∂f_k/∂z_{k−1}| [N] */
  sumLogDet: tf.Tensor1D;
}

export class VaeModel implements FlowModel {
  readonly rng: Rng;
  readonly store: ParamStore;
  readonly prior: Prior;
  readonly likelihood: Likelihood;
  readonly steps: PostStep[];
  /** data size D and latent size Dz */
  readonly D: number;
  readonly Dz: number;
  /** encoder outputs: 2·Dz + amortized flow parameters + the context h */
  readonly encoderOut: number;
  /** the condition's context size (0: not conditioned) and the encoder context h: its size and first column */
  readonly K: number;
  readonly H: number;
  private readonly hOffset: number;
  iwSamples: number;
  iwChunk: number;
  private readonly encoder: Net;
  private readonly decoder: Net;

  constructor(
    readonly ir: FlowIR,
    opts: VaeOptions = {},
  ) {
    if (ir.family !== 'vae') throw new Error(`buildVae: model ${ir.model} is of family '${ir.family}'`);
    if (!ir.latent) throw new Error(`${ir.model}: a VAE needs a latent variable`);
    if (!ir.encoder || !ir.decoder) throw new Error(`${ir.model}: a VAE needs an encoder and a decoder`);
    if (!ir.likelihood) throw new Error(`${ir.model}: a VAE needs a likelihood`);
    for (const [what, net] of [
      ['encoder', ir.encoder],
      ['decoder', ir.decoder],
    ] as const) {
      if (net.kind !== 'mlp') throw new Error(`${ir.model}: the ${what} must be an mlp (got ${net.kind})`);
    }
    this.iwSamples = opts.iwSamples ?? 100;
    this.iwChunk = opts.iwChunk ?? 4096;
    this.rng = new Rng(ir.train?.seed ?? 0);
    this.store = new ParamStore(this.rng);
    this.D = ir.data.shape.reduce((a, b) => a * b, 1);
    this.Dz = ir.latent.shape.reduce((a, b) => a * b, 1);
    const ctx: BuildContext = {
      store: this.store,
      rng: this.rng,
      buildLayers: (ls) => ls.map((l) => buildBijector(l, ctx)),
    };
    this.K = ir.condition?.size ?? 0;
    this.H = ir.posterior?.context ?? 0;
    const amortized = ir.posterior?.amortized ?? false;
    const post = buildPosterior(ir.posterior?.flow ?? [], amortized, this.Dz, 2 * this.Dz, ctx, this.H);
    this.steps = post.steps;
    this.hOffset = 2 * this.Dz + post.size;
    this.encoderOut = this.hOffset + this.H;
    // the encoder's last layer is never zero-initialised: amortized planar layers with u = w = b = 0
    // sit at a saddle (every gradient of the flow is zero there) and would stay the identity
    const encIn = [this.D + this.K];
    this.encoder = buildNet(this.store, 'encoder', { ...ir.encoder, zeroInitLast: false }, encIn, [this.encoderOut]);
    this.likelihood = buildLikelihood(ir.likelihood);
    this.decoder = buildNet(this.store, 'decoder', ir.decoder, [this.Dz + this.K], [this.D * this.likelihood.P]);
    this.prior = buildPrior(ir.prior, this.Dz, this.store);
  }

  get variables(): tf.Variable[] {
    return this.store.variables;
  }

  private flat(x: tf.Tensor): tf.Tensor2D {
    return tf.reshape(tf.cast(x, 'float32'), [x.shape[0], this.D]) as tf.Tensor2D;
  }

  /** a net's input [v ‖ c] for a conditional VAE (c: the context [N, K]), else v */
  private withY(v: tf.Tensor2D, c: tf.Tensor | undefined): tf.Tensor2D {
    if (!this.K) return v;
    if (!c) throw new Error(`${this.ir.model} is conditioned on \`${this.ir.condition!.name}\`: pass its context`);
    if (c.rank !== 2 || c.shape[0] !== v.shape[0] || c.shape[1] !== this.K) {
      throw new Error(`${this.ir.model}: the context has shape [${c.shape}], expected [${v.shape[0]}, ${this.K}]`);
    }
    return tf.concat([v, c], 1) as tf.Tensor2D;
  }

  /** encoder output [N, encoderOut] for flattened x (ctx: the condition's context of a conditional VAE) */
  encode(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.encoder.apply(this.withY(this.flat(x), ctx)) as tf.Tensor2D);
  }

  /** z_0 = μ + σ·ε and the posterior flow, from encoder outputs enc [N, E] and noise eps [N, Dz] */
  posterior(enc: tf.Tensor2D, eps: tf.Tensor2D): PosteriorDraw {
    const N = enc.shape[0];
    const mu = tf.slice(enc, [0, 0], [N, this.Dz]);
    const logStd = tf.slice(enc, [0, this.Dz], [N, this.Dz]);
    const z0 = tf.add(mu, tf.mul(tf.exp(logStd), eps)) as tf.Tensor2D;
    const logQ0 = tf.neg(tf.sum(tf.add(tf.add(tf.mul(0.5, tf.square(eps)), logStd), HALF_LOG_2PI), 1)) as tf.Tensor1D;
    const h = this.H ? (tf.slice(enc, [0, this.hOffset], [N, this.H]) as tf.Tensor2D) : undefined;
    const { z, sumLogDet } = runPosterior(this.steps, z0, enc, h);
    return { z0, zK: z, logQ0, sumLogDet };
  }

  /** log p(x|z) [N] (log p(x|z,y) with the context c) for flattened x [N, D] and z [N, Dz] */
  logLikelihood(xf: tf.Tensor2D, z: tf.Tensor2D, c?: tf.Tensor): tf.Tensor1D {
    const out = this.decoder.apply(this.withY(z, c));
    const params = tf.reshape(out, [z.shape[0], this.D, this.likelihood.P]) as tf.Tensor3D;
    return tf.sum(this.likelihood.logProb(params, xf), 1) as tf.Tensor1D;
  }

  /** log p(x, z_K) − log q_K(z_K|x) for one draw: the single-sample ELBO [N] */
  private logWeight(xf: tf.Tensor2D, enc: tf.Tensor2D, eps: tf.Tensor2D, c?: tf.Tensor): tf.Tensor1D {
    const d = this.posterior(enc, eps);
    const logJoint = tf.add(this.logLikelihood(xf, d.zK, c), this.prior.logProb(d.zK));
    return tf.sub(logJoint, tf.sub(d.logQ0, d.sumLogDet)) as tf.Tensor1D;
  }

  /** the training objective per example: F(x) = −ELBO, one reparameterized sample */
  loss(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.neg(this.elbo(x, 1, ctx)) as tf.Tensor1D);
  }

  /** the ELBO per example, averaged over `samples` reparameterized draws (default 1); ctx: the condition's context */
  elbo(x: tf.Tensor, samples = 1, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const xf = this.flat(x);
      const enc = this.encoder.apply(this.withY(xf, ctx)) as tf.Tensor2D;
      const N = xf.shape[0];
      if (samples <= 1) return this.logWeight(xf, enc, this.rng.normalTensor([N, this.Dz]) as tf.Tensor2D, ctx);
      const lw = this.logWeights(xf, enc, samples, ctx);
      return tf.mean(lw, 0) as tf.Tensor1D;
    });
  }

  /** log-weights [k, N] of k independent draws per example, in chunks of iwChunk rows */
  private logWeights(xf: tf.Tensor2D, enc: tf.Tensor2D, k: number, c?: tf.Tensor): tf.Tensor2D {
    const N = xf.shape[0];
    const per = Math.max(1, Math.min(k, Math.floor(this.iwChunk / Math.max(1, N))));
    const parts: tf.Tensor[] = [];
    for (let done = 0; done < k; done += per) {
      const m = Math.min(per, k - done);
      parts.push(
        tf.tidy(() => {
          const xt = tf.tile(xf, [m, 1]) as tf.Tensor2D;
          const et = tf.tile(enc, [m, 1]) as tf.Tensor2D;
          const ct = c ? tf.tile(c, [m, 1]) : undefined;
          const lw = this.logWeight(xt, et, this.rng.normalTensor([m * N, this.Dz]) as tf.Tensor2D, ct);
          return tf.reshape(lw, [m, N]);
        }),
      );
    }
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as tf.Tensor2D;
  }

  /** importance-weighted estimate of log p(x) with k samples [N] (k = 1 gives the ELBO) */
  iwLogProb(x: tf.Tensor, k = this.iwSamples, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const xf = this.flat(x);
      const enc = this.encoder.apply(this.withY(xf, ctx)) as tf.Tensor2D;
      const lw = this.logWeights(xf, enc, Math.max(1, Math.floor(k)), ctx);
      return tf.sub(tf.logSumExp(lw, 0), Math.log(lw.shape[0])) as tf.Tensor1D;
    });
  }

  /** FlowModel.logProb: the k-sample importance-weighted estimate (k = iwSamples) of log p(x), or log p(x|y) */
  logProb(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return this.iwLogProb(x, this.iwSamples, ctx);
  }

  /** decoder parameters [n, D, P] for latents z [n, Dz] (ctx: the condition's context) */
  decode(z: tf.Tensor, ctx?: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const out = this.decoder.apply(this.withY(tf.reshape(z, [z.shape[0], this.Dz]) as tf.Tensor2D, ctx));
      return tf.reshape(out, [z.shape[0], this.D, this.likelihood.P]) as tf.Tensor3D;
    });
  }

  /** the likelihood's mean for latents z: Bernoulli probabilities, Gaussian means (binary/real data) */
  decodeMean(z: tf.Tensor, ctx?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const p = this.decode(z, ctx);
      const n = z.shape[0];
      const k = this.likelihood.ir.kind;
      let m: tf.Tensor;
      if (k === 'bernoulli') m = tf.sigmoid(tf.squeeze(p, [2]));
      else if (k === 'gaussian') m = tf.slice(p, [0, 0, 0], [n, this.D, 1]);
      else m = tf.argMax(p, 2); // categorical: the mode
      return tf.reshape(tf.cast(m, 'float32'), [n, ...this.ir.data.shape]);
    });
  }

  /** latents from the prior (temperature scales its spread) */
  samplePrior(n: number, opts: SampleOptions = {}): tf.Tensor2D {
    const rng = opts.seed !== undefined ? new Rng(opts.seed) : this.rng;
    return this.prior.sample(n, rng, opts.temperature ?? 1);
  }

  /** n samples in data space: prior latents decoded and drawn from the likelihood */
  sample(n: number, opts: SampleOptions = {}): tf.Tensor {
    const rng = opts.seed !== undefined ? new Rng(opts.seed) : this.rng;
    const z = this.prior.sample(n, rng, opts.temperature ?? 1);
    const pt = this.decode(z, opts.context);
    z.dispose();
    const params = pt.dataSync() as Float32Array;
    pt.dispose();
    const P = this.likelihood.P;
    const col = new Float32Array(n * P);
    const out = new Float32Array(n);
    const x = new Float32Array(n * this.D);
    for (let d = 0; d < this.D; d++) {
      for (let i = 0; i < n; i++) for (let p = 0; p < P; p++) col[i * P + p] = params[(i * this.D + d) * P + p]!;
      this.likelihood.sample(col, n, rng, 1, out);
      for (let i = 0; i < n; i++) x[i * this.D + d] = out[i]!;
    }
    return tf.tensor(x, [n, ...this.ir.data.shape]);
  }

  /** the likelihood means of n prior samples (smoother pictures than draws) */
  sampleMeans(n: number, opts: SampleOptions = {}): tf.Tensor {
    const z = this.samplePrior(n, opts);
    const m = this.decodeMean(z, opts.context);
    z.dispose();
    return m;
  }

  dispose(): void {
    for (const s of this.steps) s.dispose?.();
    (this.encoder as { dispose?: () => void }).dispose?.();
    (this.decoder as { dispose?: () => void }).dispose?.();
    this.store.dispose();
  }
}
