// MADE's masked dense layer on transposed activations (as runtime/kernels/fused/masked-dense.ts) with the
// all-zero parts of a "staircase" mask skipped, on the wasm backend. With sorted degrees (natural
// order, sequential hidden degrees) every output unit o of a MADE layer reads a prefix of the
// inputs: M[i, o] = 1 iff i < c(o). For activations aT [I, N] and zT = (W∘M)ᵀ·aT [O, N]:
//  - forward, per block of output rows [o₀, o₁) with r = max c(o) there:
//      zT[o₀:o₁] = ((W∘M)[:r, o₀:o₁])ᵀ · aT[:r]
//  - da, per block of input rows [i₀, i₁) with s = min{o : c(o) > i₀} (outputs before s read none of them):
//      daT[i₀:i₁] = (W∘M)[i₀:i₁, s:] · dzT[s:]
//  - dW, per forward block: dW[:r, o₀:o₁] = (aT[:r] · dzT[o₀:o₁]ᵀ) ∘ M[:r, o₀:o₁], zero below r.
// Every row range above is a contiguous region of a row-major matrix, so the products read and
// write tfjs's wasm heap in place (runtime/kernels/fused/heap-matmul.ts, XNNPACK) and the compact weight
// blocks come straight out of one SIMD masked copy each (runtime/kernels/wasm/simd.ts): no slice,
// concat, pad or mask kernels; bias + ReLU (in place) and dz = dy·[y > 0] with db = Σₙ dz are one
// SIMD pass each. Block bounds are multiples of 4 (the SIMD copies), so I and O must be
// too. One tape node per layer; same math as maskedDenseT to float32 rounding
// (test/runtime/staircase-dense.test.ts). Registered as the planner's made:staircase (a refinement of
// made:fused-masked-dense: MADE's masked pass with these layers where a layer's mask is a staircase).
import * as tf from '@tensorflow/tfjs-core';
import { engine } from './engine.js';
import { heapMatMul } from './heap-matmul.js';
import { simdBlockKernels } from '../wasm/simd.js';
import { activeWasmThreads } from '../threads/wasm-threads.js';
import { config } from '../../config.js';
import type { MadeNet, MadePass } from '../../ar/made.js';
import { registerKernel } from '../../plan/registry.js';
import { maskedDenseT, reluOrLinear, transposedMadePass } from './masked-dense.js';

export interface StairPlan {
  I: number;
  O: number;
  /** forward / dW blocks: output rows [o0, o1) read input rows [0, r) */
  out: { o0: number; o1: number; r: number }[];
  /** da blocks: input rows [i0, i1) are read by output rows [s, O) only */
  inp: { i0: number; i1: number; s: number }[];
}

const up4 = (n: number) => (n + 3) & ~3;

/** equal split of [0, n) into k ranges with bounds at multiples of 4 */
function split4(n: number, k: number): [number, number][] {
  const q = n / 4,
    out: [number, number][] = [];
  for (let j = 0; j < k; j++) {
    const a = 4 * Math.floor((j * q) / k),
      b = 4 * Math.floor(((j + 1) * q) / k);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/**
 * The staircase plan of an [I, O] 0/1 mask (row-major) in `blocks` blocks per direction; null when
 * I or O is not a multiple of 4 or some column's ones are not a prefix of the rows.
 */
export function staircasePlan(mask: ArrayLike<number>, I: number, O: number, blocks: number): StairPlan | null {
  if (I % 4 || O % 4 || I === 0 || O === 0) return null;
  const c = new Int32Array(O);
  for (let o = 0; o < O; o++) {
    let n = 0;
    while (n < I && mask[n * O + o]) n++;
    for (let i = n; i < I; i++) if (mask[i * O + o]) return null;
    c[o] = n;
  }
  const k = Math.max(1, Math.floor(blocks));
  const out = split4(O, Math.min(k, O / 4)).map(([o0, o1]) => {
    let r = 4;
    for (let o = o0; o < o1; o++) r = Math.max(r, up4(c[o]!));
    return { o0, o1, r: Math.min(r, I) };
  });
  const inp = split4(I, Math.min(k, I / 4)).map(([i0, i1]) => {
    let s = O; // the first output reading an input row ≥ i0
    for (let o = 0; o < O; o++)
      if (c[o]! > i0) {
        s = o;
        break;
      }
    return { i0, i1, s: s & ~3 };
  });
  return { I, O, out, inp };
}

/**
 * Blocks per layer: the madeBlocks setting (FLOWC_MADE_BLOCKS; 0 or 1 = the unblocked maskedDenseT); by default 4
 * on one wasm thread, 2 on more (each product is a threadpool round trip: on a busy machine, 4 blocks'
 * extra round trips cost more than their saved FLOPs; measured on W2).
 */
export function staircaseBlocks(): number {
  const v = config().madeBlocks;
  return v === 'auto' ? (activeWasmThreads() > 1 ? 2 : 4) : v;
}

/** whether staircaseDenseT can run here (wasm with the heap matmul and the SIMD block kernels) */
export function staircaseAvailable(): boolean {
  return heapMatMul() != null && simdBlockKernels() != null;
}

/**
 * aT [I, N] ↦ yT [O, N] = act((w∘mask)ᵀ·aT + b) for a staircase mask (plan = staircasePlan of
 * it), relu or identity; one tape node, differentiable in aT, w and b. Wasm only
 * (staircaseAvailable()); float32 tensors. w and mask are read again by the backward pass (not
 * copied), so they must keep their values until then (a variable and a constant do).
 */
export function staircaseDenseT(
  aT: tf.Tensor2D,
  w: tf.Tensor2D,
  mask: tf.Tensor2D,
  b: tf.Tensor1D,
  relu: boolean,
  plan: StairPlan,
): tf.Tensor2D {
  const hm = heapMatMul(),
    k = simdBlockKernels();
  if (!hm || !k) throw new Error('staircaseDenseT: needs the wasm backend');
  const { I, O } = plan;
  if (w.shape[0] !== I || w.shape[1] !== O || aT.shape[0] !== I)
    throw new Error('staircaseDenseT: shapes do not match the plan');
  const scratch = (n: number, f: (p: number) => void) => {
    const p = hm.alloc(n);
    try {
      f(p);
    } finally {
      hm.free(p);
    }
  };
  return engine().runKernelFunc({
    inputs: { a: aT, w, b },
    attrs: {},
    forwardFunc: (_backend, save) => {
      const N = aT.shape[1];
      const [z, zo] = hm.output([O, N]);
      const wo = hm.offset(w),
        mo = hm.offset(mask),
        ao = hm.offset(aT);
      scratch(Math.max(...plan.out.map(({ o0, o1, r }) => (o1 - o0) * r)), (buf) => {
        for (const { o0, o1, r } of plan.out) {
          const bo = o1 - o0;
          k.maskBlockT(wo + 4 * o0, O, mo + 4 * o0, O, buf, r, r, bo); // ((W∘M)[:r, o0:o1])ᵀ [bo, r]
          hm.matMul(buf, ao, zo + 4 * o0 * N, bo, r, N, false);
        }
      });
      (relu ? k.biasRelu : k.biasLin)(zo, hm.offset(b), O, N); // in place
      const y = z as tf.Tensor2D;
      // saved tensors are copied (the engine clones them with the Identity kernel, a copy on wasm):
      // w (a variable) and mask (a kept constant) outlive the step, so the backward reads them directly
      save(relu ? [aT, y] : [aT]);
      return y;
    },
    backwardsFunc: (dy, saved) => {
      const [sa, y] = saved as [tf.Tensor2D, tf.Tensor2D | undefined];
      const sw = w,
        sm = mask;
      const N = sa.shape[1];
      // dz = dy·[y > 0] (relu) and db = Σₙ dz in one pass
      const [db, dbo] = hm.output([O]);
      const [dz, dzOff] = y ? hm.output([O, N]) : [dy, 0];
      (y ? k.reluGrad : k.linGrad)(hm.offset(dy), y ? hm.offset(y) : 0, dzOff, dbo, O, N);
      return {
        a: () => {
          const [da, dao] = hm.output([I, N]);
          const wo = hm.offset(sw),
            mo = hm.offset(sm),
            dzo = hm.offset(dz);
          scratch(Math.max(...plan.inp.map(({ i0, i1, s }) => (i1 - i0) * (O - s))), (buf) => {
            for (const { i0, i1, s } of plan.inp) {
              const bi = i1 - i0,
                off = i0 * O + s;
              if (s >= O) {
                k.zero(dao + 4 * i0 * N, 0, 1, bi * N);
                continue;
              }
              k.maskBlock(wo + 4 * off, O, mo + 4 * off, O, buf, O - s, bi, O - s); // (W∘M)[i0:i1, s:]
              hm.matMul(buf, dzo + 4 * s * N, dao + 4 * i0 * N, bi, O - s, N, false);
            }
          });
          return da;
        },
        w: () => {
          const [dw, dwo] = hm.output([I, O]);
          const ao = hm.offset(sa),
            mo = hm.offset(sm),
            dzo = hm.offset(dz),
            N4 = N & ~3;
          const widest = Math.max(...plan.out.map(({ o0, o1 }) => o1 - o0));
          scratch(Math.max(...plan.out.map(({ o0, o1, r }) => (o1 - o0) * r)) + N * widest, (buf) => {
            const dzb = buf + 4 * Math.max(...plan.out.map(({ o0, o1, r }) => (o1 - o0) * r));
            for (const { o0, o1, r } of plan.out) {
              const bo = o1 - o0;
              // dzT[o0:o1]ᵀ as [N, bo] (the transposed-operand forms of XNNPACK's matmul are ~10× slower)
              k.copyBlockT(dzo + 4 * o0 * N, N, 0, 0, dzb, bo, bo, N4);
              if (N4 < N) {
                const h = hm.heap(),
                  src = (dzo >> 2) + o0 * N,
                  dst = dzb >> 2;
                for (let r = 0; r < bo; r++) for (let c = N4; c < N; c++) h[dst + c * bo + r] = h[src + r * N + c]!;
              }
              hm.matMul(ao, dzb, buf, r, N, bo, false); // aT[:r] · that [r, bo]
              k.maskBlock(buf, bo, mo + 4 * o0, O, dwo + 4 * o0, O, r, bo);
              if (r < I) k.zero(dwo + 4 * (r * O + o0), O, I - r, bo);
            }
          });
          return dw;
        },
        b: () => db,
      };
    },
  }) as tf.Tensor2D;
}

/** staircase plans per net, block count, member and layer (null: that layer runs maskedDenseT) */
const PLANS = new WeakMap<MadeNet, Map<number, (StairPlan | null)[][]>>();

function plansFor(net: MadeNet, blocks: number): (StairPlan | null)[][] {
  let byBlocks = PLANS.get(net);
  if (!byBlocks) PLANS.set(net, (byBlocks = new Map()));
  let plans = byBlocks.get(blocks);
  if (!plans) {
    plans = net.masks.map((ms) => ms.map((m) => staircasePlan(m.dataSync(), m.shape[0], m.shape[1], blocks)));
    byBlocks.set(blocks, plans);
  }
  return plans;
}

registerKernel<MadePass>({
  name: 'staircase',
  kind: 'made',
  backends: ['wasm'],
  settings: ['madeFused'],
  refines: 'fused-masked-dense',
  doc: 'MADE layers as staircase blocks skipping the zero parts of sorted masks (kernels/fused/staircase-dense.ts)',
  when: () =>
    staircaseBlocks() <= 1 ? 'madeBlocks ≤ 1' : staircaseAvailable() || 'wasm SIMD block kernels unavailable',
  applies: reluOrLinear,
  implement: (under, on) => (net, h, member) => {
    if (!on()) return under(net, h, member);
    const plans = plansFor(net, staircaseBlocks())[member]!,
      ms = net.masks[member]!;
    return transposedMadePass(net, h, member, (aT, l, relu) => {
      const w = net.weights[l] as tf.Variable<tf.Rank.R2>,
        b = net.biases[l] as tf.Variable<tf.Rank.R1>;
      const plan = plans[l];
      return plan ? staircaseDenseT(aT, w, ms[l]!, b, relu, plan) : maskedDenseT(aT, w, ms[l]!, b, relu);
    });
  },
});
