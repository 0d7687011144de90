// Dequantization of discrete data x ∈ {0..K−1}: density direction y = (x + u)/K ∈ [0,1).
// uniform:     u ~ U[0,1)^D, log-det −D log K  (logProb is then the bound E_u log p(x+u) − D log K).
// variational: u ~ q(u|x) (Flow++): ε ~ N(0,I); (μ, ℓ, c) = net(x/K − ½) (zero-initialised; the spec's `net:`
//              or the registry's default, DEQUANT_COND_* in compiler/registry/flows.ts); h = μ + exp(ℓ)⊙ε;
//              h ← the `flow` layers in their sampling direction, every one given the context c (k = `context`
//              channels, Flow++ §3.1: each coupling of q sees x); u = σ(h). The layer's log-det is
//              −D log K − log q(u|x), so logProb is the variational bound on log P(x).
// Inverse: x = clamp(⌊yK⌋, 0, K−1).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf, NetIR } from '../../compiler/ir/types.js';
import { DEQUANT_COND_MLP, DEQUANT_COND_RESNET } from '../../compiler/registry/flows.js';
import { buildNet, type Net } from '../nets/index.js';
import type { Rng } from '../rng.js';
import { buildBijector } from './index.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  logSigmoid,
  sizeOf,
  sumExceptBatch,
} from './types.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export class Dequantize implements Bijector {
  readonly kind = 'dequantize';
  readonly id: string;
  readonly K: number;
  private readonly D: number;
  private readonly rng: Rng;
  private readonly variational: boolean;
  private readonly qflow: Bijector[] = [];
  private readonly cond: Net | null = null;
  /** context channels (values on vectors) the conditioning net emits after (μ, ℓ) */
  private readonly contextSize: number = 0;

  constructor(layer: LayerIROf<'dequantize'>, ctx: BuildContext) {
    this.id = layer.id;
    const args = layer.args;
    this.K = Number(args.K ?? 2);
    const shape = internalShape(layer.inShape);
    this.D = sizeOf(shape);
    this.rng = ctx.rng;
    this.variational = args.type === 'variational';
    if (this.variational) {
      // the registry's q(u|x) conditioning net (its params rule counts these tensors, named q.cond.*)
      const R = DEQUANT_COND_RESNET;
      const M = DEQUANT_COND_MLP;
      const net: NetIR =
        args.net ??
        (shape.length === 3
          ? { kind: 'resnet', blocks: R.blocks, channels: R.channels, kernel: R.kernel, zeroInitLast: R.zeroInitLast }
          : { kind: 'mlp', hidden: [...M.hidden], activation: M.activation as 'relu', zeroInitLast: M.zeroInitLast });
      this.contextSize = args.features ?? 0;
      const out = [...shape.slice(0, -1), 2 * shape[shape.length - 1]! + this.contextSize];
      this.cond = buildNet(ctx.store, `${this.id}.q.cond`, net, shape, out);
      if (this.contextSize) {
        const contextShape = [...shape.slice(0, -1), this.contextSize];
        const qctx: BuildContext = { ...ctx, contextShape, buildLayers: (ls) => ls.map((l) => buildBijector(l, qctx)) };
        this.qflow = qctx.buildLayers(args.flow ?? []);
      } else this.qflow = ctx.buildLayers(args.flow ?? []);
      if (this.qflow.some((b) => b.outSize)) throw new Error(`${this.id}: a dequantization flow cannot split`);
    }
  }

  /** u ~ q(u|x) and log q(u|x) per example */
  private sampleU(x: tf.Tensor): { u: tf.Tensor; logq: tf.Tensor1D } {
    return tf.tidy(() => {
      const eps = this.rng.normalTensor(x.shape);
      let logq = sumExceptBatch(tf.neg(tf.add(tf.mul(0.5, tf.square(eps)), HALF_LOG_2PI)));
      const ax = x.rank - 1;
      const n = x.shape[ax]!;
      const o = this.cond!.apply(tf.sub(tf.div(x, this.K), 0.5));
      const [mu, ls, c] = this.contextSize ? tf.split(o, [n, n, this.contextSize], ax) : tf.split(o, 2, ax);
      const ctx = this.contextSize ? c : undefined;
      let h = tf.add(tf.mul(eps, tf.exp(ls)), mu);
      logq = tf.sub(logq, sumExceptBatch(ls));
      // the nested layers run in their sampling direction (the checker's direction proofs assume so: planar and
      // radial layers are closed only there); a mixture coupling's is its Newton-bisection, differentiable
      for (let i = this.qflow.length - 1; i >= 0; i--) {
        const r = this.qflow[i]!.inverse(h, undefined, ctx);
        h = r.x;
        logq = tf.sub(logq, r.logDet);
      }
      const u = tf.sigmoid(h);
      logq = tf.sub(logq, sumExceptBatch(tf.add(logSigmoid(h), logSigmoid(tf.neg(h)))));
      return { u, logq: logq as tf.Tensor1D };
    });
  }

  /** a conditioner's data-dependent init (flowpp weight norm) is pending: the next forward runs it */
  needsInit(): boolean {
    const nets = (b: Bijector) => b.kind === 'coupling' && (b.needsInit?.() ?? false);
    return (this.cond?.needsInit?.() ?? false) || this.qflow.some(nets);
  }

  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const N = x.shape[0];
      const base = -this.D * Math.log(this.K);
      if (!this.variational) {
        const u = this.rng.uniformTensor(x.shape);
        return { y: tf.div(tf.add(x, u), this.K), logDet: tf.fill([N], base) as tf.Tensor1D };
      }
      const { u, logq } = this.sampleU(x);
      return { y: tf.div(tf.add(x, u), this.K), logDet: tf.sub(base, logq) as tf.Tensor1D };
    });
  }

  inverse(y: tf.Tensor): InverseResult {
    return tf.tidy(() => ({
      x: tf.clipByValue(tf.floor(tf.mul(y, this.K)), 0, this.K - 1),
      logDet: tf.fill([y.shape[0]], this.D * Math.log(this.K)) as tf.Tensor1D,
    }));
  }

  dispose(): void {
    for (const b of this.qflow) b.dispose?.();
  }
}
