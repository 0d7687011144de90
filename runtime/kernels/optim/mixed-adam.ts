// Adam with small variables updated on the host and large ones op by op (createTrainer's path on
// wasm and cpu; see runtime/train-step.ts). Host part: one JS loop per variable over float32 views
// of the backend's memory (instead of ~15 kernels at ~7 µs each), new parameters uploaded as fresh
// tensors (never in place: wasm caches XNNPACK operators with packed weights per tensor id, so a
// weight must change id when its values change). Large variables on wasm: one WebAssembly SIMD
// loop each over the wasm heap (runtime/kernels/wasm/simd.ts; FLOWC_SIMD_ADAM=0 turns it off);
// elsewhere the op part: runtime/train-step.ts's createOpTrainer arithmetic. hostMax = Infinity puts every
// variable on the host (the bench's `--trainer fast`). Moments of host variables are Float32Arrays, of the others
// tf.Variables; getState/setState give the same AdamState (name → Float32Array) either way, so checkpoints do not
// change.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowModel } from '../../model.js';
import type { AdamOptions, AdamState, Trainer } from '../../train-step.js';
import { trainingLoss } from '../../train-step.js';
import { simdAdamAvailable, simdAdamStep } from '../wasm/simd.js';
import { float32View } from '../memory.js';
import { config } from '../../config.js';

/**
 * One Adam update written out op by op (inside a tf.tidy): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr·(m/c₁)/(√(v/c₂) + ε), with g = s·gradient. The oracle trainer's arithmetic
 * (runtime/train-step.ts createOpTrainer); the SIMD kernel repeats it operation for operation.
 */
export function adamOpUpdate(
  p: tf.Variable,
  g0: tf.Tensor,
  mv: tf.Variable,
  vv: tf.Variable,
  k: { s: tf.Scalar | number; b1: number; b2: number; c1: number; c2: number; eps: number; lr: number },
): void {
  const g = k.s === 1 ? g0 : tf.mul(g0, k.s);
  const mNew = tf.add(tf.mul(mv, k.b1), tf.mul(g, 1 - k.b1));
  const vNew = tf.add(tf.mul(vv, k.b2), tf.mul(tf.square(g), 1 - k.b2));
  mv.assign(mNew);
  vv.assign(vNew);
  const upd = tf.div(tf.div(mNew, k.c1), tf.add(tf.sqrt(tf.div(vNew, k.c2)), k.eps));
  p.assign(tf.sub(p, tf.mul(upd, k.lr)));
}

/**
 * The mean loss and its gradients for one batch (inside the trainer's tf.tidy). The default is
 * tf.variableGrads of the mean per-example loss; runtime/parallel/data-parallel.ts supplies one
 * that splits the batch with a worker.
 */
export type GradsFn = (x: tf.Tensor, vars: tf.Variable[]) => { value: tf.Scalar; grads: tf.NamedTensorMap };

export const localGrads =
  (model: FlowModel): GradsFn =>
  (x, vars) =>
    tf.variableGrads(() => tf.mean(trainingLoss(model, x)) as tf.Scalar, vars);

export function createMixedTrainer(
  model: FlowModel,
  opts: AdamOptions,
  hostMax: number,
  gradsFn: GradsFn = localGrads(model),
): Trainer {
  const lr = opts.lr,
    b1 = opts.beta1 ?? 0.9,
    b2 = opts.beta2 ?? 0.999,
    eps = opts.eps ?? 1e-8;
  const vars = () => model.variables.filter((v) => v.trainable);
  const onHost = (p: tf.Variable) => p.size <= hostMax;
  const hm = new Map<string, Float32Array>(),
    hv = new Map<string, Float32Array>(),
    scratch = new Map<string, Float32Array>();
  const m = new Map<string, tf.Variable>(),
    v = new Map<string, tf.Variable>();
  let t = 0;
  const hostMoments = (p: tf.Variable): [Float32Array, Float32Array] => {
    if (!hm.has(p.name)) {
      hm.set(p.name, new Float32Array(p.size));
      hv.set(p.name, new Float32Array(p.size));
    }
    return [hm.get(p.name)!, hv.get(p.name)!];
  };
  const opMoments = (p: tf.Variable) => {
    if (!m.has(p.name)) {
      m.set(p.name, tf.variable(tf.zerosLike(p), false));
      v.set(p.name, tf.variable(tf.zerosLike(p), false));
    }
    return [m.get(p.name)!, v.get(p.name)!] as const;
  };
  const out = (p: tf.Variable) => {
    let a = scratch.get(p.name);
    if (!a) scratch.set(p.name, (a = new Float32Array(p.size)));
    return a;
  };

  return {
    get steps() {
      return t;
    },
    step(x: tf.Tensor): number {
      const init = (model as { initialize?: (x: tf.Tensor) => void }).initialize;
      if (init) init.call(model, x);
      const list = vars();
      const lossT = tf.tidy(() => {
        const { value, grads } = gradsFn(x, list);
        let scale: tf.Scalar | number = 1;
        if (opts.clip !== undefined && opts.clip > 0) {
          const sq = tf.addN(list.filter((p) => grads[p.name]).map((p) => tf.sum(tf.square(grads[p.name]!))));
          scale = tf.minimum(1, tf.div(opts.clip, tf.add(tf.sqrt(sq), 1e-12))) as tf.Scalar;
        }
        const s = typeof scale === 'number' ? scale : scale.dataSync()[0]!;
        t += 1;
        const c1 = 1 - Math.pow(b1, t),
          c2 = 1 - Math.pow(b2, t);
        // host variables first: each view is taken right before its loop, with no allocation in
        // between (a new tensor may grow the wasm memory and detach older views)
        // the cpu backend keeps the array given to tf.tensor as the tensor's storage: a reused
        // scratch array would then be written in place next step (and with it every tf.clone of
        // the parameter, e.g. runtime/trainer.ts's pre-step copy), so only wasm (which copies) reuses
        const reuse = tf.getBackend() === 'wasm';
        const done: [tf.Variable, Float32Array][] = [];
        for (const p of list) {
          const gt = grads[p.name];
          if (!gt || !onHost(p)) continue;
          const [M, V] = hostMoments(p);
          const O = reuse ? out(p) : new Float32Array(p.size);
          const g = float32View(gt) ?? (gt.dataSync() as Float32Array);
          const P = float32View(p) ?? (p.dataSync() as Float32Array);
          for (let i = 0; i < P.length; i++) {
            const gi = g[i]! * s;
            const mi = (M[i] = b1 * M[i]! + (1 - b1) * gi);
            const vi = (V[i] = b2 * V[i]! + (1 - b2) * gi * gi);
            O[i] = P[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
          }
          done.push([p, O]);
        }
        // large variables on wasm: one SIMD loop each over the wasm heap (runtime/kernels/wasm/simd.ts)
        const simd = config().simdAdam && simdAdamAvailable();
        for (const p of list) {
          const g0 = grads[p.name];
          if (!g0 || onHost(p)) continue;
          if (simd) {
            const [mv, vv] = opMoments(p);
            p.assign(simdAdamStep(p, g0, mv, vv, { s, b1, b2, c1, c2, eps, lr }));
            continue;
          }
          const [mv, vv] = opMoments(p);
          adamOpUpdate(p, g0, mv, vv, { s, b1, b2, c1, c2, eps, lr });
        }
        for (const [p, O] of done) p.assign(tf.tensor(O, p.shape, 'float32'));
        return value;
      });
      const loss = lossT.dataSync()[0]!;
      lossT.dispose();
      return loss;
    },
    getState(): AdamState {
      const st: AdamState = { step: t, m: {}, v: {} };
      for (const [k, a] of hm) st.m[k] = a.slice();
      for (const [k, a] of hv) st.v[k] = a.slice();
      for (const [k, a] of m) st.m[k] = Float32Array.from(a.dataSync() as Float32Array);
      for (const [k, a] of v) st.v[k] = Float32Array.from(a.dataSync() as Float32Array);
      return st;
    },
    setState(st: AdamState): void {
      t = st.step;
      for (const p of vars()) {
        const mm = st.m[p.name],
          vs = st.v[p.name];
        if (onHost(p)) {
          const [M, V] = hostMoments(p);
          if (mm) M.set(mm);
          else M.fill(0);
          if (vs) V.set(vs);
          else V.fill(0);
        } else {
          const [mv, vv] = opMoments(p);
          tf.tidy(() => {
            mv.assign(mm ? tf.tensor(mm, p.shape) : tf.zerosLike(p));
            vv.assign(vs ? tf.tensor(vs, p.shape) : tf.zerosLike(p));
          });
        }
      }
    },
    dispose(): void {
      for (const a of [...m.values(), ...v.values()]) a.dispose();
      m.clear();
      v.clear();
      hm.clear();
      hv.clear();
      scratch.clear();
    },
  };
}
