// A stack of dense layers (an MLP) as ONE differentiable op with a hand-written backward, for the
// wasm and cpu backends. Forward: one _FusedMatMul kernel per layer (product + bias + activation).
// Backward per layer: dh = g·Wᵀ and dW = hᵀ·g as plain BatchMatMul kernels (the perf-matmul
// substitute runs them untransposed on wasm), the activation derivative and the bias gradient
// (column sums) on the host, in place in the product's output; a narrow dW (layer input ≤ 2 wide
// or output ≤ 4 wide, relu) is accumulated in that same host pass instead (XNNPACK would transpose
// and pack a [N, 64] operand for 2–4 MACs per element). The stock path issues ~20 kernels per
// layer under a gradient tape (Add, Relu, Step, Multiply, Cast, Sum, Reshape, Identity clones of
// saved tensors); this one 3 or fewer.
//
// Saved tensors are zero-copy aliases of the op's input and hidden activations (no Identity
// clone); they are appended to the op's tape node (attachSaved), so the engine disposes them after
// the gradient like any saved tensor (also when the node is pruned). Same math as
// tf.add(tf.matMul(h, W), b) → activation per layer, to float32 rounding (summation order):
// test/runtime/fused-dense.test.ts. denseForward / denseBackward are also the conditioner of the
// fused coupling (fused-coupling.ts). Registered as the planner's mlp:fused-dense (DenseStack, nets/mlp.ts).
import * as tf from '@tensorflow/tfjs-core';
import { float32View } from '../memory.js';
import { engine } from './engine.js';
import { ACTIVATIONS, LEAKY_SLOPE } from '../../../compiler/math/activations.js';
import type { DenseStack } from '../../nets/mlp.js';
import { registerKernel } from '../../plan/registry.js';

/** hidden activations the fused op supports: _FusedMatMul's name, derivative from the output */
const fromOutput = (a: keyof typeof ACTIVATIONS) => ACTIVATIONS[a].dfOfOutput!;
const ACTS: Record<string, { kernel: string; alpha?: number; grad: (h: number) => number }> = {
  relu: { kernel: 'relu', grad: fromOutput('relu') },
  leaky_relu: { kernel: 'leakyrelu', alpha: LEAKY_SLOPE, grad: fromOutput('leaky_relu') },
  elu: { kernel: 'elu', grad: fromOutput('elu') },
  sigmoid: { kernel: 'sigmoid', grad: fromOutput('sigmoid') },
  linear: { kernel: 'linear', grad: fromOutput('linear') },
  none: { kernel: 'linear', grad: fromOutput('linear') },
};

export function fusableActivation(a: string): boolean {
  return Object.prototype.hasOwnProperty.call(ACTS, a);
}

/** a tensor sharing t's storage with another shape (what Reshape does, without a kernel) */
export function alias(t: tf.Tensor, shape: number[]): tf.Tensor {
  const e = engine();
  const out = e.makeTensorFromTensorInfo({ dataId: t.dataId, shape, dtype: t.dtype });
  e.backend.incRef(t.dataId);
  return out;
}

/** host float32 view of t's storage (zero-copy on wasm/cpu; valid until the next allocation) */
export function view(t: tf.Tensor): Float32Array {
  const v = float32View(t);
  if (!v) throw new Error('fused op: backend storage is not readable on the host');
  return v;
}

export function matMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return engine().runKernel(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
}

/**
 * Hands `saved` to the tape node that produced `out` (the last one), so the engine disposes them
 * after the gradient; call right after runKernelFunc with the tape on.
 */
export function attachSaved(out: tf.Tensor, saved: tf.Tensor[]): void {
  const tape = engine().state.activeTape;
  const node = tape?.[tape.length - 1];
  if (!node || node.outputs[0] !== out) {
    for (const t of saved) t.dispose();
    throw new Error('fused op: tape node not found');
  }
  node.saved.push(...saved);
}

/** column sums of an [N, M] row-major array (float64 accumulation) */
function colSums(g: Float32Array, N: number, M: number): Float32Array {
  const acc = new Float64Array(M);
  for (let n = 0, i = 0; n < N; n++) for (let j = 0; j < M; j++, i++) acc[j] += g[i];
  return Float32Array.from(acc);
}

/** optional weight gradients made in the same pass as the activation's backward */
interface SidePass {
  /** the layer input x ([N, K0], K0 ≤ 2): accumulate xᵀ·g_new ([K0, K]) */
  x: Float32Array | null;
  K0: number;
  /** the previous gradient gp ([N, O], O ≤ 4): accumulate hᵀ·gp ([K, O], h the activation's output) */
  gp: Float32Array | null;
  O: number;
}

/**
 * g ← g ⊙ act'(h) in place (h: the activation's output, [N, K] row-major); returns the column
 * sums of the new g (the bias gradient) and the side products asked for: XNNPACK would pack an
 * [N, ·] gradient as weights (≈ 3 ns/element) and transpose h for only 2–4 MACs per element.
 * Relu runs four rows at a time (one accumulator update per four rows: ~1.8× faster in V8).
 */
function actBackward(
  kind: string,
  g: Float32Array,
  h: Float32Array,
  N: number,
  K: number,
  side: SidePass,
): { db: Float32Array; dwx: Float32Array | null; dwp: Float32Array | null } {
  const { x, K0, gp, O } = side;
  const acc = new Float64Array(K);
  const dwx = x ? new Float64Array(2 * K) : null;
  const dwp = gp ? new Float64Array(4 * K) : null;
  const relu = kind === 'relu';
  let n0 = 0;
  if (relu) {
    n0 = N - (N % 4);
    reluRows4(g, h, n0, K, acc, x, K0, dwx, gp, O, dwp);
  } else {
    const d = ACTS[kind]!.grad;
    for (let i = 0; i < N * K; i++) g[i] *= d(h[i]);
  }
  // the remaining rows one at a time (all of them for other activations: g already has act')
  for (let n = n0, r = n0 * K; n < N; n++, r += K) {
    for (let j = 0; j < K; j++) {
      const i = r + j;
      const v = relu ? g[i] * +(h[i] > 0) : g[i];
      g[i] = v;
      acc[j] += v;
      if (dwx) for (let k = 0; k < K0; k++) dwx[k * K + j] += x![n * K0 + k] * v;
      if (dwp) for (let o = 0; o < O; o++) dwp[4 * j + o] += h[i] * gp![n * O + o];
    }
  }
  let dp: Float32Array | null = null;
  if (dwp) {
    dp = new Float32Array(K * O);
    for (let j = 0; j < K; j++) for (let o = 0; o < O; o++) dp[j * O + o] = dwp[4 * j + o];
  }
  return { db: Float32Array.from(acc), dwx: dwx ? Float32Array.from(dwx.subarray(0, K0 * K)) : null, dwp: dp };
}

/** relu backward over rows [0, n4), four rows at a time, with the side products of actBackward */
function reluRows4(
  g: Float32Array,
  h: Float32Array,
  n4: number,
  K: number,
  acc: Float64Array,
  x: Float32Array | null,
  K0: number,
  dwx: Float64Array | null,
  gp: Float32Array | null,
  O: number,
  dwp: Float64Array | null,
): void {
  const two = K0 === 2 ? 1 : 0;
  const q = (n: number, o: number) => (gp && o < O ? gp[n * O + o] : 0);
  for (let n = 0; n < n4; n += 4) {
    const r0 = n * K,
      r1 = r0 + K,
      r2 = r1 + K,
      r3 = r2 + K;
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0,
      b0 = 0,
      b1 = 0,
      b2 = 0,
      b3 = 0;
    if (x) {
      a0 = x[n * K0];
      a1 = x[(n + 1) * K0];
      a2 = x[(n + 2) * K0];
      a3 = x[(n + 3) * K0];
      b0 = two * x[n * K0 + two];
      b1 = two * x[(n + 1) * K0 + two];
      b2 = two * x[(n + 2) * K0 + two];
      b3 = two * x[(n + 3) * K0 + two];
    }
    const p00 = q(n, 0),
      p01 = q(n, 1),
      p02 = q(n, 2),
      p03 = q(n, 3);
    const p10 = q(n + 1, 0),
      p11 = q(n + 1, 1),
      p12 = q(n + 1, 2),
      p13 = q(n + 1, 3);
    const p20 = q(n + 2, 0),
      p21 = q(n + 2, 1),
      p22 = q(n + 2, 2),
      p23 = q(n + 2, 3);
    const p30 = q(n + 3, 0),
      p31 = q(n + 3, 1),
      p32 = q(n + 3, 2),
      p33 = q(n + 3, 3);
    for (let j = 0; j < K; j++) {
      const h0 = h[r0 + j],
        h1 = h[r1 + j],
        h2 = h[r2 + j],
        h3 = h[r3 + j];
      const v0 = g[r0 + j] * +(h0 > 0),
        v1 = g[r1 + j] * +(h1 > 0);
      const v2 = g[r2 + j] * +(h2 > 0),
        v3 = g[r3 + j] * +(h3 > 0);
      g[r0 + j] = v0;
      g[r1 + j] = v1;
      g[r2 + j] = v2;
      g[r3 + j] = v3;
      acc[j] += v0 + v1 + (v2 + v3);
      if (dwx) {
        dwx[j] += a0 * v0 + a1 * v1 + (a2 * v2 + a3 * v3);
        dwx[K + j] += b0 * v0 + b1 * v1 + (b2 * v2 + b3 * v3);
      }
      if (dwp) {
        const b = 4 * j;
        dwp[b] += h0 * p00 + h1 * p10 + (h2 * p20 + h3 * p30);
        dwp[b + 1] += h0 * p01 + h1 * p11 + (h2 * p21 + h3 * p31);
        dwp[b + 2] += h0 * p02 + h1 * p12 + (h2 * p22 + h3 * p32);
        dwp[b + 3] += h0 * p03 + h1 * p13 + (h2 * p23 + h3 * p33);
      }
    }
  }
}

/** what the backward needs: 3-D aliases ([1, rows, cols], as the wasm matmul kernels want) */
export interface DenseSaved {
  N: number;
  sizes: number[];
  act: string;
  x: tf.Tensor;
  ws: tf.Tensor[];
  /** hs[l]: output of hidden layer l (after the activation) */
  hs: tf.Tensor[];
}

/**
 * The forward products: x3 [1, N, K₀] → [1, N, K_L] (hidden layers with the activation, the last
 * linear). Call inside a kernel (tape off). With keep, the saved aliases are tf.keep'd: the caller
 * hands them to its tape node (savedTensors) or disposes them.
 */
export function denseForward(
  x3: tf.Tensor,
  ws: tf.Tensor[],
  bs: tf.Tensor[],
  activation: string,
  keep: boolean,
): { out: tf.Tensor; saved: DenseSaved } {
  const act = ACTS[activation];
  if (!act) throw new Error(`fused dense: activation '${activation}' is not fusable`);
  const e = engine();
  const N = x3.shape[1]!;
  const sizes = [x3.shape[2]!, ...ws.map((w) => w.shape[1]!)];
  const L = ws.length;
  const saved: DenseSaved = { N, sizes, act: activation, x: keep ? tf.keep(x3) : x3, ws: [], hs: [] };
  let h = x3;
  for (let l = 0; l < L; l++) {
    const w = alias(ws[l], [1, sizes[l], sizes[l + 1]]);
    saved.ws.push(keep ? tf.keep(w) : w);
    const last = l + 1 === L;
    h = e.runKernel(
      tf._FusedMatMul,
      { a: h, b: w, bias: bs[l] },
      {
        transposeA: false,
        transposeB: false,
        activation: last ? 'linear' : act.kernel,
        leakyreluAlpha: act.alpha ?? 0,
      },
    );
    if (!last) saved.hs.push(keep ? tf.keep(h) : h);
  }
  return { out: h, saved };
}

export function savedTensors(s: DenseSaved): tf.Tensor[] {
  return [s.x, ...s.ws, ...s.hs];
}

export interface DenseGrads {
  /** g₀·W₀ᵀ, [1, N, K₀] (the input's gradient, before any input mask) */
  dx(): tf.Tensor;
  /** the gradient of W_l, [K_l, K_{l+1}] */
  dw(l: number): tf.Tensor;
  /** the gradient of b_l, [K_{l+1}] */
  db(l: number): tf.Tensor;
}

/** the backward from dy3 = ∂loss/∂out, [1, N, K_L]: the chain eagerly, the products lazily */
export function denseBackward(s: DenseSaved, dy3: tf.Tensor): DenseGrads {
  const { N, sizes } = s;
  const L = s.ws.length;
  const gs: tf.Tensor[] = new Array(L); // gs[l]: gradient of layer l's pre-activation
  const dbs: Float32Array[] = new Array(L);
  gs[L - 1] = dy3;
  dbs[L - 1] = colSums(view(dy3), N, sizes[L]);
  const K0 = sizes[0];
  const hostDw: (Float32Array | null)[] = new Array(L).fill(null); // weight gradients the host made
  for (let l = L - 1; l > 0; l--) {
    const gh = matMul(gs[l], s.ws[l], false, true); // [1, N, K_l]
    const first = l === 1 && K0 <= 2;
    const O = sizes[l + 1];
    const prev = O <= 4 && s.act === 'relu'; // dW_l = h_{l−1}ᵀ·g_l from the same pass
    const r = actBackward(s.act, view(gh), view(s.hs[l - 1]), N, sizes[l], {
      x: first ? view(s.x) : null,
      K0,
      gp: prev ? view(gs[l]) : null,
      O,
    });
    gs[l - 1] = gh;
    dbs[l - 1] = r.db;
    if (first) hostDw[0] = r.dwx;
    if (prev) hostDw[l] = r.dwp;
  }
  return {
    dx: () => matMul(gs[0], s.ws[0], false, true),
    dw: (l) =>
      hostDw[l]
        ? tf.tensor2d(hostDw[l]!, [sizes[l], sizes[l + 1]], 'float32')
        : alias(matMul(l === 0 ? s.x : s.hs[l - 1], gs[l], true, false), [sizes[l], sizes[l + 1]]),
    db: (l) => tf.tensor1d(dbs[l], 'float32'),
  };
}

/**
 * h ← act(h·W_l + b_l) for every layer but the last (linear): x [N, K₀] → [N, K_L]. ws[l] is
 * [K_l, K_{l+1}], bs[l] [K_{l+1}]. One tape node; gradients for x, every W and every b.
 */
export function denseStack(x: tf.Tensor2D, ws: tf.Tensor2D[], bs: tf.Tensor1D[], activation: string): tf.Tensor2D {
  const e = engine();
  const N = x.shape[0];
  const inputs: Record<number, tf.Tensor> = { 0: x };
  ws.forEach((w, l) => {
    inputs[1 + 2 * l] = w;
    inputs[2 + 2 * l] = bs[l];
  });
  const tapeOn = e.isTapeOn();
  const st: { saved?: DenseSaved } = {};
  const y = e.runKernelFunc({
    inputs,
    forwardFunc: () => {
      const f = denseForward(alias(x, [1, N, x.shape[1]]), ws, bs, activation, tapeOn);
      st.saved = f.saved;
      return alias(f.out, [N, f.out.shape[2]!]);
    },
    backwardsFunc: (dy) => {
      const s = st.saved!;
      const g = denseBackward(s, alias(dy as tf.Tensor, [1, N, s.sizes[s.sizes.length - 1]]));
      const grads: Record<number, () => tf.Tensor> = { 0: () => alias(g.dx(), [N, s.sizes[0]]) };
      ws.forEach((_, l) => {
        grads[1 + 2 * l] = () => g.dw(l);
        grads[2 + 2 * l] = () => g.db(l);
      });
      return grads;
    },
  }) as tf.Tensor;
  if (tapeOn) attachSaved(y, savedTensors(st.saved!));
  return y as tf.Tensor2D;
}

registerKernel<DenseStack>({
  name: 'fused-dense',
  kind: 'mlp',
  backends: ['wasm', 'cpu'],
  settings: ['fuse'],
  doc: 'an mlp stack on vectors as one host op (kernels/fused/dense.ts)',
  // units without their NetIR (an Mlp built on its own, a MAF's masked stack) check the activation per call
  applies: (u) => !u.net || (u.net.kind === 'mlp' && fusableActivation(u.net.activation)) || 'activation not fusable',
  implement: (under, on) => (x, ws, bs, activation) =>
    on() && fusableActivation(activation) ? denseStack(x, ws, bs, activation) : under(x, ws, bs, activation),
});
