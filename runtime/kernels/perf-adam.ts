// Adam in one host pass per variable, reading gradients and parameters straight from the
// backend's memory (wasm heap or the cpu backend's arrays) and uploading the new parameters as
// one fresh tensor per variable (not written in place: the wasm backend caches XNNPACK operators
// with packed weights per tensor id, so a weight must change id when its values change). The op-by-op update of runtime/train-step.ts issues ~15 kernels per
// variable per step (~720 for W1's 48 variables) at ~7 µs each; this does the same arithmetic
// in a JS loop over float32 views: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
// θ ← θ − lr·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), optional global-norm clipping.
// Moments are host Float32Arrays (so checkpoints read them directly). Same Trainer interface.
// Values agree with the op-by-op trainer to float32 rounding (test/bench/perf-adam.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { FlowModel } from '../model.js';
import type { AdamOptions, AdamState, Trainer } from '../train-step.js';

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  refCount(id: object): number;
}
interface CpuBackendLike {
  data: { get(id: object): { values?: unknown } | undefined };
  refCount(id: object): number;
}

/** a writable float32 view of t's storage, or null when the backend keeps it elsewhere */
export function float32View(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const b = tf.engine().backend as unknown as Partial<WasmBackendLike & CpuBackendLike>;
  const id = t.dataId as object;
  if (b.wasm && b.dataIdMap) {
    const d = b.dataIdMap.get(id);
    if (!d || d.memoryOffset == null) return null;
    return new Float32Array(b.wasm.HEAPU8.buffer, d.memoryOffset, t.size);
  }
  if (tf.getBackend() === 'cpu' && b.data) {
    const v = b.data.get(id)?.values;
    return v instanceof Float32Array && v.length === t.size ? v : null;
  }
  return null;
}

export function createFastTrainer(model: FlowModel, opts: AdamOptions): Trainer {
  const lr = opts.lr, b1 = opts.beta1 ?? 0.9, b2 = opts.beta2 ?? 0.999, eps = opts.eps ?? 1e-8;
  const vars = () => model.variables.filter((v) => v.trainable);
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  let t = 0;
  const scratch = new Map<string, Float32Array>();
  const moments = (p: tf.Variable): [Float32Array, Float32Array] => {
    if (!m.has(p.name)) { m.set(p.name, new Float32Array(p.size)); v.set(p.name, new Float32Array(p.size)); }
    return [m.get(p.name)!, v.get(p.name)!];
  };
  // the cpu backend keeps the array given to tf.tensor as the tensor's storage: reusing it would
  // write the next step's parameters in place (and into every tf.clone of them); wasm copies
  const out = (p: tf.Variable): Float32Array => {
    if (tf.getBackend() !== 'wasm') {
      const fresh = new Float32Array(p.size);
      scratch.set(p.name, fresh);
      return fresh;
    }
    let a = scratch.get(p.name);
    if (!a) scratch.set(p.name, (a = new Float32Array(p.size)));
    return a;
  };

  return {
    get steps() { return t; },
    step(x: tf.Tensor): number {
      const init = (model as { initialize?: (x: tf.Tensor) => void }).initialize;
      if (init) init.call(model, x);
      const list = vars();
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const per = model.loss ? model.loss(x) : tf.neg(model.logProb(x));
        return tf.mean(per) as tf.Scalar;
      }), list);
      try {
        t += 1;
        const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        // views are taken after every allocation of this step (wasm memory may have grown)
        const gv = new Map<string, Float32Array>();
        for (const p of list) {
          const g = grads[p.name];
          if (g) gv.set(p.name, float32View(g) ?? (g.dataSync() as Float32Array));
        }
        let scale = 1;
        if (opts.clip !== undefined && opts.clip > 0) {
          let sq = 0;
          for (const g of gv.values()) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
          scale = Math.min(1, opts.clip / (Math.sqrt(sq) + 1e-12));
        }
        for (const p of list) {
          const g = gv.get(p.name);
          if (!g) continue;
          const [M, V] = moments(p);
          const P = float32View(p) ?? (p.dataSync() as Float32Array);
          const O = out(p);
          for (let i = 0; i < P.length; i++) {
            const gi = g[i]! * scale;
            const mi = (M[i] = b1 * M[i]! + (1 - b1) * gi);
            const vi = (V[i] = b2 * V[i]! + (1 - b2) * gi * gi);
            O[i] = P[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
          }
        }
        // uploads after every read: a new tensor may grow the wasm heap and detach the views
        for (const p of list) {
          if (!gv.has(p.name)) continue;
          const nt = tf.tensor(scratch.get(p.name)!, p.shape, 'float32');
          p.assign(nt);
          nt.dispose();
        }
        return value.dataSync()[0]!;
      } finally {
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
      }
    },
    getState(): AdamState {
      const s: AdamState = { step: t, m: {}, v: {} };
      for (const [k, a] of m) s.m[k] = a.slice();
      for (const [k, a] of v) s.v[k] = a.slice();
      return s;
    },
    setState(s: AdamState): void {
      t = s.step;
      m.clear(); v.clear();
      for (const p of vars()) {
        const [M, V] = moments(p);
        if (s.m[p.name]) M.set(s.m[p.name]!);
        if (s.v[p.name]) V.set(s.v[p.name]!);
      }
    },
    dispose(): void { m.clear(); v.clear(); scratch.clear(); },
  };
}
