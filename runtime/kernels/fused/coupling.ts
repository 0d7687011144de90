// The density direction of an affine / additive coupling (runtime/bijectors/coupling.ts, full-mask
// mode) with fused elementwise math: from x and the conditioner's output o,
//   affine:   (s_raw, t) = split(o, last axis),  s = (1−b)⊙g(s_raw),
//             y = b⊙x + (1−b)⊙(x⊙exp(s) + t),   log-det = Σ s per example;
//   additive: y = x + (1−b)⊙t,                   log-det = 0.
// g: exp → s_raw, tanh → tanh(s_raw), sigmoid → log σ(s_raw + 2). b is binary, per position of one
// example. Two forms, both one tape node with a hand-written backward:
//   couplingElementwise: (x, o) → (y, log-det) as a host op, for any conditioner;
//   mlpCoupling: the whole layer with a fusable mlp conditioner (fused-dense.ts) — x⊙b, the
//     dense stack and the elementwise part in ONE node (no mask product, no gradient sum for x).
// The plain path spends ~15 kernels forward and ~30 under the tape on the elementwise part alone.
// Same math to float32 rounding (test/runtime/fused-coupling.test.ts). W1 (8 such couplings):
// 773 → 154 kernels per training step, ~20 → ~12–13 ms per step on one wasm thread (FLOWC_FUSE=0
// vs default, in-process A/B of CPU time).
import * as tf from '@tensorflow/tfjs-core';
import { hostOp } from './host-op.js';
import { attachSaved, type DenseSaved, denseBackward, denseForward, savedTensors, view } from './dense.js';
import { engine } from './engine.js';
import { type ScaleKind, logScaleGrad, logScaleOf } from '../../../compiler/math/coupling-scale.js';

export type { ScaleKind } from '../../../compiler/math/coupling-scale.js';

export interface CouplingSpec {
  /** b per position of one example (1 = passes through and conditions) */
  mask: Uint8Array;
  /** last axis length (the net's output has mult·L channels there: s_raw then t) */
  L: number;
  affine: boolean;
  scale: ScaleKind;
}

export function couplingSpec(mask: ArrayLike<number>, L: number, affine: boolean, scale: ScaleKind): CouplingSpec {
  return { mask: Uint8Array.from(mask as ArrayLike<number>, (v) => (v ? 1 : 0)), L, affine, scale };
}

interface ElemForward {
  y: Float32Array;
  ld: Float32Array;
  es: Float32Array | null;
  gp: Float32Array | null;
}

function elemForward(c: CouplingSpec, x: Float32Array, o: Float32Array): ElemForward {
  const { mask: b, L, scale } = c;
  const P = b.length,
    R = P / L,
    N = x.length / P;
  const y = new Float32Array(x.length),
    ld = new Float32Array(N);
  if (!c.affine) {
    for (let n = 0; n < N; n++)
      for (let r = 0; r < R; r++) {
        const ob = (n * R + r) * L;
        for (let j = 0; j < L; j++) {
          const p = r * L + j,
            i = n * P + p;
          y[i] = b[p] ? x[i] : x[i] + o[ob + j];
        }
      }
    return { y, ld, es: null, gp: null };
  }
  const es = new Float32Array(x.length),
    gp = new Float32Array(x.length);
  for (let n = 0; n < N; n++) {
    let acc = 0;
    for (let r = 0; r < R; r++) {
      const ob = (n * R + r) * 2 * L;
      for (let j = 0; j < L; j++) {
        const p = r * L + j,
          i = n * P + p;
        if (b[p]) {
          y[i] = x[i];
          es[i] = 1;
          continue;
        }
        const sr = o[ob + j];
        let s = logScaleOf(scale, sr);
        const d = logScaleGrad(scale, sr, s);
        s = Math.fround(s);
        const e = Math.exp(s);
        y[i] = x[i] * e + o[ob + L + j];
        es[i] = e;
        gp[i] = d;
        acc += s;
      }
    }
    ld[n] = acc;
  }
  return { y, ld, es, gp };
}

/** gradients for x (the direct path, not through the conditioner) and for o */
function elemBackward(
  c: CouplingSpec,
  dy: Float32Array | null,
  dld: Float32Array | null,
  x: Float32Array,
  f: ElemForward,
): { dx: Float32Array; dout: Float32Array } {
  const { mask: b, L } = c;
  const P = b.length,
    R = P / L,
    N = x.length / P;
  const mult = c.affine ? 2 : 1;
  const dx = new Float32Array(x.length),
    dout = new Float32Array(mult * x.length);
  if (!c.affine) {
    for (let n = 0; n < N; n++)
      for (let r = 0; r < R; r++) {
        const ob = (n * R + r) * L;
        for (let j = 0; j < L; j++) {
          const p = r * L + j,
            i = n * P + p;
          const g = dy ? dy[i] : 0;
          dx[i] = g;
          if (!b[p]) dout[ob + j] = g;
        }
      }
    return { dx, dout };
  }
  const es = f.es!,
    gp = f.gp!;
  for (let n = 0; n < N; n++) {
    const gl = dld ? dld[n] : 0;
    for (let r = 0; r < R; r++) {
      const ob = (n * R + r) * 2 * L;
      for (let j = 0; j < L; j++) {
        const p = r * L + j,
          i = n * P + p;
        const g = dy ? dy[i] : 0;
        if (b[p]) {
          dx[i] = g;
          continue;
        }
        const e = es[i];
        dx[i] = g * e;
        dout[ob + j] = (g * x[i] * e + gl) * gp[i];
        dout[ob + L + j] = g;
      }
    }
  }
  return { dx, dout };
}

function checkSizes(c: CouplingSpec, x: tf.Tensor, oSize: number): void {
  const mult = c.affine ? 2 : 1;
  if (x.size !== x.shape[0] * c.mask.length)
    throw new Error(`fused coupling: input of ${x.size} values, expected ${x.shape[0]}×${c.mask.length}`);
  if (oSize !== mult * x.size)
    throw new Error(`fused coupling: net output has ${oSize} values, expected ${mult * x.size}`);
}

/** (x, o) → [y, logDet] as one host op (any conditioner) */
export function couplingElementwise(c: CouplingSpec): (x: tf.Tensor, o: tf.Tensor) => [tf.Tensor, tf.Tensor1D] {
  const op = hostOp({
    shapes: ([xs]) => [xs!, [xs![0]!]],
    forward: ([x, o]) => {
      const f = elemForward(c, x!, o!);
      return { outputs: [f.y, f.ld], saved: f };
    },
    backward: ([dy, dld], saved, [x]) => {
      const r = elemBackward(c, dy, dld, x!, saved as ElemForward);
      return [r.dx, r.dout];
    },
  });
  return (x, o) => {
    checkSizes(c, x, o.size);
    const [y, ld] = op([x, o]);
    return [y!, ld as tf.Tensor1D];
  };
}

/**
 * The whole coupling with an mlp conditioner (ws[l] [K_l, K_{l+1}], bs[l]; K₀ = one example's
 * size, the last K = mult × that): x [N, ...] → [y, logDet], one tape node with gradients for x and
 * every W and b. Call with a fusable activation (fused-dense.ts fusableActivation).
 */
export function mlpCoupling(
  c: CouplingSpec,
  x: tf.Tensor,
  ws: tf.Tensor[],
  bs: tf.Tensor[],
  activation: string,
): [tf.Tensor, tf.Tensor1D] {
  const e = engine();
  const N = x.shape[0],
    P = c.mask.length;
  const mult = c.affine ? 2 : 1;
  checkSizes(c, x, N * ws[ws.length - 1]!.shape[1]!);
  const inputs: Record<number, tf.Tensor> = { 0: x };
  ws.forEach((w, l) => {
    inputs[1 + 2 * l] = w;
    inputs[2 + 2 * l] = bs[l]!;
  });
  const tapeOn = e.isTapeOn();
  const st: { saved?: DenseSaved; x?: Float32Array; f?: ElemForward } = {};
  const out = e.runKernelFunc({
    inputs,
    forwardFunc: () => {
      const xh = view(x).slice();
      const cond = new Float32Array(xh.length);
      for (let i = 0, p = 0; i < xh.length; i++, p = p + 1 === P ? 0 : p + 1) if (c.mask[p]) cond[i] = xh[i];
      const d = denseForward(tf.tensor3d(cond, [1, N, P], 'float32'), ws, bs, activation, tapeOn);
      const f = elemForward(c, xh, view(d.out));
      Object.assign(st, { saved: d.saved, x: xh, f });
      return [tf.tensor(f.y, x.shape, 'float32'), tf.tensor1d(f.ld, 'float32')];
    },
    backwardsFunc: (dys) => {
      const [dy, dld] = dys as tf.Tensor[];
      const r = elemBackward(c, dy ? view(dy) : null, dld ? view(dld) : null, st.x!, st.f!);
      const g = denseBackward(st.saved!, tf.tensor3d(r.dout, [1, N, mult * P], 'float32'));
      const grads: Record<number, () => tf.Tensor> = {
        0: () => {
          const dc = view(g.dx()); // ∂/∂(x⊙b), through the conditioner
          const dx = r.dx;
          for (let i = 0, p = 0; i < dx.length; i++, p = p + 1 === P ? 0 : p + 1) if (c.mask[p]) dx[i] += dc[i];
          return tf.tensor(dx, x.shape, 'float32');
        },
      };
      ws.forEach((_, l) => {
        grads[1 + 2 * l] = () => g.dw(l);
        grads[2 + 2 * l] = () => g.db(l);
      });
      return grads;
    },
  }) as tf.Tensor[];
  if (tapeOn) attachSaved(out[0]!, savedTensors(st.saved!));
  return [out[0]!, out[1] as tf.Tensor1D];
}
