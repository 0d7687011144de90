// The flow model built from FlowIR: a chain of bijectors (density direction data → latent), the
// split-off parts collected into one flattened latent z = [out_1, ..., out_k, final] scored by the
// prior. logProb(x) = log p(z) + Σ log-dets (for dequantized discrete data: the bound, with −D log K).
// Conditioned flows (FlowModelOptions.contextShape) take one context ctx, passed to every layer:
// [N, k] (a vector, e.g. a one-hot label) or [N, H, W, k] (an NHWC feature map); see bijectors/context.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR, LayerIR } from '../compiler/ir/types.js';
import type { FlowModel, SampleOptions } from './model.js';
import { ParamStore } from './nets/params.js';
import { Rng } from './rng.js';
import { buildPrior, type Prior } from './priors.js';
import { buildBijector } from './bijectors/index.js';
import { type Bijector, type BuildContext, internalShape, sizeOf } from './bijectors/types.js';

export interface FlowModelOptions {
  /** the conditioning context's shape without the batch axis, [k] or [H, W, k] (NHWC); absent: none */
  contextShape?: number[] | null;
}

export class FlowModelImpl implements FlowModel {
  readonly rng: Rng;
  readonly store: ParamStore;
  readonly bijectors: Bijector[];
  readonly prior: Prior;
  /** flattened latent size */
  readonly latentSize: number;
  private readonly offsets: number[]; // start of each split's part in z (aligned with bijectors; -1 = none)
  private readonly finalShape: number[];
  private readonly image: boolean;

  /** the conditioning context's shape (no batch axis), or null for an unconditioned flow */
  readonly contextShape: number[] | null;

  constructor(
    readonly ir: FlowIR,
    opts: FlowModelOptions = {},
  ) {
    this.contextShape = opts.contextShape ?? null;
    this.rng = new Rng(ir.train?.seed ?? 0);
    this.store = new ParamStore(this.rng);
    const ctx: BuildContext = {
      store: this.store,
      rng: this.rng,
      contextShape: this.contextShape,
      // nested flows (variational dequantization's q(u|x)) are not conditioned: they are called without a ctx
      buildLayers: (ls: LayerIR[]) => ls.map((l) => buildBijector(l, { ...ctx, contextShape: null })),
    };
    try {
      this.bijectors = (ir.flow ?? []).map((l) => buildBijector(l, ctx));
    } catch (e) {
      this.store.dispose();
      throw e;
    }
    this.image = ir.data.shape.length === 3;
    let off = 0;
    this.offsets = this.bijectors.map((b) => {
      if (!b.outSize) return -1;
      const o = off;
      off += b.outSize;
      return o;
    });
    const layers = ir.flow ?? [];
    this.finalShape = internalShape(layers.length ? layers[layers.length - 1].outShape : ir.data.shape);
    this.latentSize = off + sizeOf(this.finalShape);
    this.prior = buildPrior(ir.prior, this.latentSize, this.store);
  }

  get variables(): tf.Variable[] {
    return this.store.variables;
  }

  /** stable name → variable (names are LayerIR.id + '.' + parameter) */
  namedVariables(): Map<string, tf.Variable> {
    return this.store.byName;
  }

  private toInternal(x: tf.Tensor): tf.Tensor {
    return this.image ? tf.transpose(x, [0, 2, 3, 1]) : x;
  }

  private toExternal(x: tf.Tensor): tf.Tensor {
    return this.image ? tf.transpose(x, [0, 3, 1, 2]) : x;
  }

  /** runs data-dependent initialisation (actnorm) on this batch if any layer still needs it */
  initialize(x: tf.Tensor, ctx?: tf.Tensor): void {
    if (!this.bijectors.some((b) => b.needsInit?.())) return;
    tf.tidy(() => {
      this.run(x, true, ctx);
    });
  }

  private run(x: tf.Tensor, init: boolean, ctx?: tf.Tensor): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
    return tf.tidy(() => {
      let h = this.toInternal(tf.cast(x, 'float32'));
      let logDet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      const outs: tf.Tensor[] = [];
      for (const b of this.bijectors) {
        const r = init && b.initFrom && b.needsInit?.() ? b.initFrom(h) : b.forward(h, ctx);
        h = r.y;
        logDet = tf.add(logDet, r.logDet);
        if (r.out) outs.push(r.out);
      }
      outs.push(tf.reshape(h, [x.shape[0], -1]));
      const z = (outs.length === 1 ? outs[0] : tf.concat(outs, 1)) as tf.Tensor2D;
      return { z, logDet };
    });
  }

  /** the density direction layer by layer: each layer's output (internal layout) and log-det */
  trace(x: tf.Tensor, ctx?: tf.Tensor): { id: string; kind: string; output: tf.Tensor; logDet: tf.Tensor1D }[] {
    this.initialize(x, ctx);
    const out: { id: string; kind: string; output: tf.Tensor; logDet: tf.Tensor1D }[] = [];
    let h = tf.tidy(() => this.toInternal(tf.cast(x, 'float32')));
    const first = h;
    for (const b of this.bijectors) {
      const r = b.forward(h, ctx);
      r.out?.dispose();
      out.push({ id: b.id, kind: b.kind, output: r.y, logDet: r.logDet });
      h = r.y;
    }
    first.dispose();
    return out;
  }

  forward(x: tf.Tensor, ctx?: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor1D } {
    this.initialize(x, ctx);
    return this.run(x, false, ctx);
  }

  inverse(z: tf.Tensor, ctx?: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor1D } {
    return tf.tidy(() => {
      const N = z.shape[0];
      const z2 = tf.reshape(z, [N, this.latentSize]);
      const finalStart = this.latentSize - sizeOf(this.finalShape);
      let h = tf.reshape(tf.slice(z2, [0, finalStart], [N, -1]), [N, ...this.finalShape]);
      let logDet = tf.zeros([N]) as tf.Tensor1D;
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        const b = this.bijectors[i];
        const part =
          this.offsets[i] >= 0 ? (tf.slice(z2, [0, this.offsets[i]], [N, b.outSize!]) as tf.Tensor2D) : undefined;
        const r = b.inverse(h, part, ctx);
        h = r.x;
        logDet = tf.add(logDet, r.logDet);
      }
      return { x: this.toExternal(h), logDet };
    });
  }

  logProb(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    this.initialize(x, ctx);
    return tf.tidy(() => {
      const { z, logDet } = this.run(x, false, ctx);
      return tf.add(this.prior.logProb(z), logDet) as tf.Tensor1D;
    });
  }

  loss(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.neg(this.logProb(x, ctx)) as tf.Tensor1D);
  }

  sample(n: number, opts: SampleOptions = {}): tf.Tensor {
    const rng = opts.seed !== undefined ? new Rng(opts.seed) : this.rng;
    return tf.tidy(() => this.inverse(this.prior.sample(n, rng, opts.temperature ?? 1), opts.context).x);
  }

  dispose(): void {
    for (const b of this.bijectors) b.dispose?.();
    this.store.dispose();
  }
}
