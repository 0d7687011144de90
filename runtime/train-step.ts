// One optimizer step for any FlowModel: loss = mean over the batch of model.loss(x) (or −logProb),
// Adam written out (state is plain arrays, so checkpoints can save it): m ← β₁m + (1−β₁)g,
// v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂; optional clipping of
// the global gradient norm. Every computation runs inside tf.tidy.
import { whileTraining } from './nets/dropout.js';
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import type { FlowModel } from './model.js';
import { adamOpUpdate, createMixedTrainer } from './kernels/optim/mixed-adam.js';
import { createDataParallelTrainer, dataParallelPlanned } from './parallel/data-parallel.js';
import { config } from './config.js';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** clip the global L2 norm of the gradient to this value */
  clip?: number;
}

export interface AdamState {
  step: number;
  /** variable name → first / second moment */
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export interface Trainer {
  /**
   * one step on batch x (ctx: its conditioning context, conditioned models only); returns the mean loss
   * (nats per example)
   */
  step(x: tf.Tensor, ctx?: tf.Tensor): number;
  getState(): AdamState;
  setState(s: AdamState): void;
  /** steps taken so far */
  readonly steps: number;
  /** model replicas computing each step (2 with a data-parallel worker; default 1) */
  readonly replicas?: number;
  dispose(): void;
}

/** the per-example objective of a training step (model.trainLoss where the model has one); dropout
 * (runtime/nets/dropout.ts) is active only here */
export function trainingLoss(model: FlowModel, x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
  return whileTraining(() => (model.trainLoss ? model.trainLoss(x, ctx) : perExampleLoss(model, x, ctx)));
}

function perExampleLoss(model: FlowModel, x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
  return model.loss ? model.loss(x, ctx) : (tf.neg(model.logProb(x, ctx)) as tf.Tensor1D);
}

/** variables up to this many elements take the host Adam path of createTrainer */
export const HOST_ADAM_MAX = 1 << 16;

/**
 * The trainer `flowc train` runs. On wasm and cpu: Adam on the host (one JS loop over float32 views
 * of the backend's memory, runtime/kernels/optim/mixed-adam.ts) for variables of at most
 * HOST_ADAM_MAX elements, and the op-by-op update for larger ones — ~15 kernels per small variable
 * cost more than the loop, while a JS loop over ~10⁶ elements is slower than the wasm kernels
 * (measured: bench/README.md). When initBackend planned data-parallel training (heavy models with
 * few parameters on two cores, runtime/parallel/data-parallel.ts), a worker computes half of
 * every batch. Same math as createOpTrainer to float32 rounding
 * (test/runtime/mixed-adam.test.ts); same AdamState. hostAdam off (FLOWC_HOST_ADAM=0): op-by-op only.
 */
export function createTrainer(model: FlowModel, opts: AdamOptions): Trainer {
  const b = tf.getBackend();
  // nothing to train (parameter-free layers, a fixed prior): the op trainer only reports the loss
  if (!model.variables.some((v) => v.trainable)) return createOpTrainer(model, opts);
  // conditioned models (`condition y`) train op by op: the faster trainers take no context
  if (model.ir.condition) return createOpTrainer(model, opts);
  if (!config().hostAdam || (b !== 'wasm' && b !== 'cpu')) return createOpTrainer(model, opts);
  if (dataParallelPlanned()) {
    const dp = createDataParallelTrainer(model, opts, HOST_ADAM_MAX);
    if (dp) return dp;
  }
  return createMixedTrainer(model, opts, HOST_ADAM_MAX);
}

/** Adam written out op by op (the oracle for the faster trainers). */
export function createOpTrainer(model: FlowModel, opts: AdamOptions): Trainer {
  const lr = opts.lr,
    b1 = opts.beta1 ?? 0.9,
    b2 = opts.beta2 ?? 0.999,
    eps = opts.eps ?? 1e-8;
  const vars = () => model.variables.filter((v) => v.trainable);
  const m = new Map<string, tf.Variable>();
  const v = new Map<string, tf.Variable>();
  let t = 0;

  const moments = (x: tf.Variable) => {
    if (!m.has(x.name)) {
      m.set(x.name, tf.variable(tf.zerosLike(x), false));
      v.set(x.name, tf.variable(tf.zerosLike(x), false));
    }
    return [m.get(x.name)!, v.get(x.name)!] as const;
  };

  return {
    get steps() {
      return t;
    },
    step(x: tf.Tensor, ctx?: tf.Tensor): number {
      const init = (model as { initialize?: (x: tf.Tensor, ctx?: tf.Tensor) => void }).initialize;
      if (init) init.call(model, x, ctx); // data-dependent init outside the gradient tape
      const list = vars();
      if (list.length === 0) {
        t += 1;
        const l = tf.tidy(() => tf.mean(trainingLoss(model, x, ctx)));
        const out = l.dataSync()[0]!;
        l.dispose();
        return out;
      }
      const lossT = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.mean(trainingLoss(model, x, ctx)) as tf.Scalar, list);
        let scale: tf.Scalar | number = 1;
        if (opts.clip !== undefined && opts.clip > 0) {
          const sq = tf.addN(list.map((p) => tf.sum(tf.square(grads[p.name]))));
          const norm = tf.sqrt(sq);
          scale = tf.minimum(1, tf.div(opts.clip, tf.add(norm, 1e-12))) as tf.Scalar;
        }
        t += 1;
        const c1 = 1 - Math.pow(b1, t),
          c2 = 1 - Math.pow(b2, t);
        for (const p of list) {
          const g0 = grads[p.name];
          if (!g0) continue;
          const [mv, vv] = moments(p);
          adamOpUpdate(p, g0, mv, vv, { s: scale, b1, b2, c1, c2, eps, lr });
        }
        return value;
      });
      const out = lossT.dataSync()[0];
      lossT.dispose();
      return out;
    },
    getState(): AdamState {
      const s: AdamState = { step: t, m: {}, v: {} };
      for (const [k, x] of m) s.m[k] = Float32Array.from(x.dataSync() as Float32Array);
      for (const [k, x] of v) s.v[k] = Float32Array.from(x.dataSync() as Float32Array);
      return s;
    },
    setState(s: AdamState): void {
      t = s.step;
      const byName = new Map(vars().map((p) => [p.name, p]));
      for (const [k, p] of byName) {
        const [mv, vv] = moments(p);
        const mm = s.m[k],
          vs = s.v[k];
        tf.tidy(() => {
          mv.assign(mm ? tf.tensor(mm, p.shape) : tf.zerosLike(p));
          vv.assign(vs ? tf.tensor(vs, p.shape) : tf.zerosLike(p));
        });
      }
    },
    dispose(): void {
      for (const x of [...m.values(), ...v.values()]) x.dispose();
      m.clear();
      v.clear();
    },
  };
}

/**
 * Mean negative log-likelihood of x in nats per example, evaluated in batches; bits/dim for
 * discrete data (binary, categorical, discrete(K)): nats / (D ln 2).
 */
export function evaluate(
  model: FlowModel,
  x: tf.Tensor,
  batch: number,
  ctx?: tf.Tensor,
): { nats: number; bitsPerDim?: number } {
  const n = x.shape[0];
  let total = 0;
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const sum = tf.tidy(() => {
      const xb = tf.slice(x, [s, ...x.shape.slice(1).map(() => 0)], [b, ...x.shape.slice(1)]);
      const cb = ctx ? tf.slice(ctx, [s, ...ctx.shape.slice(1).map(() => 0)], [b, ...ctx.shape.slice(1)]) : undefined;
      return tf.sum(whileTraining(() => perExampleLoss(model, xb, cb)));
    });
    total += sum.dataSync()[0];
    sum.dispose();
  }
  const nats = total / n;
  const dom = model.ir.data.domain.kind;
  const D = model.ir.data.shape.reduce((a, b) => a * b, 1);
  return dom === 'real' ? { nats } : { nats, bitsPerDim: nats / (D * Math.LN2) };
}
